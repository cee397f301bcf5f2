from oauth2_provider.oauth2_validators import OAuth2Validator

from tests.oidc_provider.models import Claims


class ClaimsValidator(OAuth2Validator):
    # Every claim a test set goes in the ID token, whatever the scopes (a real provider's token configuration).
    oidc_claim_scope = None

    def get_additional_claims(self, request):
        found = Claims.objects.filter(user=request.user).first()
        return dict(found.data) if found is not None else {}
