"""Security headers that Django 5.2 does not set by itself.

``Content-Security-Policy``: everything from our own origin, no inline scripts,
no plugins, no framing. ``Permissions-Policy``: no access to cameras,
microphones, location and other device features the app never uses.

Both apply in every mode (embedded and server), so a template that relies on an
inline script or a third-party origin breaks on a developer's machine first.
A project-wide override is possible through the settings ``GEVINST_CSP`` and
``GEVINST_PERMISSIONS_POLICY``; a single view can set its own header, which is
then left alone.
"""

from __future__ import annotations

from django.conf import settings

DEFAULT_CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

DEFAULT_PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "camera",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
    )
)


class SecurityHeadersMiddleware:
    """Adds Content-Security-Policy and Permissions-Policy to every response."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.csp = getattr(settings, "GEVINST_CSP", DEFAULT_CSP)
        self.permissions_policy = getattr(
            settings, "GEVINST_PERMISSIONS_POLICY", DEFAULT_PERMISSIONS_POLICY
        )

    def __call__(self, request):
        response = self.get_response(request)
        if self.csp and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = self.csp
        if self.permissions_policy and "Permissions-Policy" not in response:
            response["Permissions-Policy"] = self.permissions_policy
        return response
