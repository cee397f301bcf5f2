"""Evidence files on the lead's round: each page of the walk takes files as the update form does, saved with the
update, all or nothing, and a refused file keeps what the lead typed."""

from django.urls import reverse

from actions.models import ProgressUpdate
from tests.evidence.files import EXE, pdf, upload


def walk(client, world, files, **fields):
    action = world.alice_action
    data = {"action": str(action.pk), "rag": "amber", "progress": "Panel running.", "version": str(action.version)}
    return client.post(reverse("lead-round", args=[world.plan.slug]), {**data, **fields, "evidence-files": files})


def test_the_walk_page_takes_files(client, world):
    client.force_login(world.alice)
    page = client.get(reverse("lead-round", args=[world.plan.slug])).content.decode()
    assert 'enctype="multipart/form-data"' in page and 'name="evidence-files"' in page


def test_save_and_next_attaches_the_files_to_the_update(client, world):
    client.force_login(world.alice)
    response = walk(client, world, [pdf("Panel minutes.pdf")])
    assert response.status_code == 302
    update = ProgressUpdate.objects.get(action=world.alice_action, period=world.period)
    assert [f.original_name for f in update.evidence_files.all()] == ["Panel minutes.pdf"]
    assert "1 evidence file attached." in client.get(response["Location"]).content.decode()


def test_a_refused_file_saves_nothing_and_keeps_the_typed_update(client, world):
    client.force_login(world.alice)
    response = walk(client, world, [upload("minutes.pdf", EXE)], progress="Typed with care.")
    assert response.status_code == 400
    page = response.content.decode()
    assert "Typed with care." in page and "Error:" in page
    assert response.context["action"] == world.alice_action
    assert not ProgressUpdate.objects.filter(action=world.alice_action).exists()
