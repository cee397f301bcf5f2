"""A co-production comment is private unless the parent carer forum representative chooses to publish it, and the
form says where a published comment will appear."""

import re

from django.urls import reverse

from governance.models import CoproductionComment
from governance.services import comment_record


def test_the_comment_form_starts_with_publish_unticked_and_says_where_it_would_appear(client, world):
    client.force_login(world.pcf)
    page = client.get(reverse("comment-new", args=[world.alice_action.pk])).content.decode()
    checkbox = re.search(r'<input[^>]*name="publishable"[^>]*>', page).group()
    assert "checked" not in checkbox
    assert 'aria-describedby="id_publishable-hint"' in checkbox
    assert "public Local Offer web pages and in the report&#x27;s PDF" in page
    assert "only people signed in to this service see the comment" in page


def test_a_comment_sent_without_the_box_ticked_stays_private(client, world):
    client.force_login(world.pcf)
    url = reverse("comment-new", args=[world.alice_action.pk])
    assert client.post(url, {"text": "A family told us in confidence..."}).status_code == 302
    assert client.post(url, {"text": "Letters now arrive on time.", "publishable": "on"}).status_code == 302
    published = dict(CoproductionComment.objects.values_list("text", "publishable"))
    assert published == {"A family told us in confidence...": False, "Letters now arrive on time.": True}


def test_a_comment_recorded_without_saying_is_not_publishable(world):
    comment = comment_record(action=world.alice_action, text="Said at the forum.", by=world.pcf)
    assert comment.publishable is False
    assert CoproductionComment(action=world.alice_action, text="Built directly").publishable is False


def test_a_ticked_box_is_shown_ticked_again_when_the_form_is_refused(client, world):
    client.force_login(world.pcf)
    response = client.post(reverse("comment-new", args=[world.alice_action.pk]), {"text": " ", "publishable": "on"})
    assert response.status_code == 400
    checkbox = re.search(r'<input[^>]*name="publishable"[^>]*>', response.content.decode()).group()
    assert "checked" in checkbox
