"""Security headers on every response (pure ASGI middleware, so streamed responses keep working), and the
client address used by the per-IP limits.

The Content-Security-Policy allows scripts, styles, images and requests from this origin only: no inline
script or style, no framing, no plugins. Pages must load their code from /static files.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
       "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
# The microphone for this origin only: the web chat's 🎤 button records a question (issue 23); no frame may.
PERMISSIONS = ("camera=(), microphone=(self), geolocation=(), payment=(), usb=(), interest-cohort=(), "
               "accelerometer=(), gyroscope=(), magnetometer=()")


def security_headers(*, production: bool) -> list[tuple[bytes, bytes]]:
    headers = [
        (b"content-security-policy", CSP.encode()),
        (b"x-content-type-options", b"nosniff"),
        (b"referrer-policy", b"no-referrer"),
        (b"x-frame-options", b"DENY"),
        (b"permissions-policy", PERMISSIONS.encode()),
        (b"cross-origin-opener-policy", b"same-origin"),
        (b"cross-origin-resource-policy", b"same-origin"),
    ]
    if production:
        headers.append((b"strict-transport-security", b"max-age=31536000; includeSubDomains"))
    return headers


# Responses that may carry personal data (issue 25, finding 7): never stored by a browser or a proxy cache.
NO_STORE_PREFIXES = ("/api/", "/admin", "/volunteer", "/login", "/certificates", "/verify", "/metrics",
                     "/openapi.json", "/docs", "/redoc")
NO_STORE = [(b"cache-control", b"no-store"), (b"pragma", b"no-cache")]


def no_store(path: str) -> bool:
    return path.startswith(NO_STORE_PREFIXES)


class SecurityHeaders:
    """Adds the security headers to every HTTP response that does not set them itself, and
    `Cache-Control: no-store` + `Pragma: no-cache` (replacing what a route set) on the personal-data paths."""

    def __init__(self, app: ASGIApp, *, production: bool = False) -> None:
        self.app = app
        self.headers = security_headers(production=production)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        private = no_store(str(scope.get("path", "")))

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                if private:
                    headers = [(k, v) for k, v in headers if k.lower() not in (b"cache-control", b"pragma")] + NO_STORE
                present = {k.lower() for k, _ in headers}
                extra = [(k, v) for k, v in self.headers if k not in present]
                message = {**message, "headers": [*headers, *extra]}
            await send(message)

        await self.app(scope, receive, send_with_headers)


OPERATOR_PATHS = ("/metrics", "/openapi.json", "/docs", "/redoc")


class OperatorOnly:
    """In production, `/metrics` and the API description (`/openapi.json`, `/docs`, `/redoc`) answer only a
    request with `Authorization: Bearer <server.metrics_token>` or an admin's log-in cookie; anyone else gets
    404, as if they did not exist. In development they stay open."""

    def __init__(self, app: ASGIApp, *, token: str, is_admin: Any) -> None:
        self.app = app
        self.token = token.encode()
        self.is_admin = is_admin  # async (request) -> bool

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and str(scope.get("path", "")).rstrip("/") in OPERATOR_PATHS \
                and not await self._allowed(Request(scope)):
            from starlette.responses import JSONResponse

            await JSONResponse({"detail": "Not Found"}, status_code=404)(scope, receive, send)
            return
        await self.app(scope, receive, send)

    async def _allowed(self, request: Request) -> bool:
        import hmac

        auth = request.headers.get("authorization", "")
        if self.token and auth.lower().startswith("bearer ") and hmac.compare_digest(auth[7:].strip().encode(),
                                                                                      self.token):
            return True
        return bool(await self.is_admin(request))


def client_ip(request: Request) -> str:
    """The client's address as uvicorn reports it (it applies X-Forwarded-For only from trusted proxies,
    `--forwarded-allow-ips`), so a client cannot pick its own rate-limit bucket."""
    client: Any = request.client
    return str(client.host) if client is not None else "unknown"
