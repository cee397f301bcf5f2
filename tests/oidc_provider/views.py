"""Set-up endpoints for tests: register the app as a client, and people with their claims. Loopback only."""

import json

from django.contrib.auth.models import User
from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from oauth2_provider.models import Application

from tests.oidc_provider.models import Claims


@csrf_exempt
@require_POST
def client(request):
    data = json.loads(request.body)
    application = Application.objects.filter(client_id=data["client_id"]).first() or Application(
        client_id=data["client_id"]
    )
    application.name = data["client_id"]
    application.client_type = Application.CLIENT_CONFIDENTIAL
    application.authorization_grant_type = Application.GRANT_AUTHORIZATION_CODE
    application.client_secret = data["client_secret"]
    application.redirect_uris = " ".join(data["redirect_uris"])
    application.post_logout_redirect_uris = " ".join(data.get("post_logout_redirect_uris", []))
    application.algorithm = Application.RS256_ALGORITHM
    application.skip_authorization = True
    application.save()
    return JsonResponse({"client_id": application.client_id})


@csrf_exempt
@require_POST
def person(request):
    data = json.loads(request.body)
    user = User.objects.filter(username=data["username"]).first() or User(username=data["username"])
    user.set_password(data["password"])
    user.save()
    Claims.objects.update_or_create(user=user, defaults={"data": data.get("claims", {})})
    return JsonResponse({"sub": str(user.pk)})
