from .context import change_context


class ChangeContextMiddleware:
    """Attributes the writes of a request to its user and gives them one request id."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = (
            request.user
            if getattr(request, "user", None) and request.user.is_authenticated
            else None
        )
        with change_context(
            user=user, user_name="" if user else "anonymous", origin="web"
        ) as context:
            request.change_context = context
            return self.get_response(request)
