"""Settings of staff sign-in and of the site's hardening (HTTPS, headers, cookies)."""

from config.settings.base import DEBUG, _bool, env
from config.settings.privacy import TRUSTED_PROXIES

# --- Staff sign-in (staff_auth/): lockout, second factor, session length -------------
# django-axes counts failed sign-ins first; its backend needs the request, so sign-ins go
# through a page (tests use force_login, see tests/conftest.py).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_MINUTES", default=15) / 60  # hours
# Per account *and* address: a stranger guessing from elsewhere cannot lock a colleague
# out, and an office behind one address is not locked out by one person's typos.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# Our page in the visitor's language (429), not axes' English sentence.
AXES_LOCKOUT_CALLABLE = "staff_auth.views.locked_out"
# The same address as the public forms' throttling (honours TRUSTED_PROXIES; a forged
# X-Forwarded-For cannot dodge the count).
AXES_CLIENT_IP_CALLABLE = "core.throttle.client_address"
# Sign-in data stays bounded (README, "Staff sign-in"): no record of successful sign-ins
# (the admin's history says who did what); failures kept per attempt for the DPO, at
# most this many per account; counters deleted once their cool-off has passed.
AXES_DISABLE_ACCESS_LOG = True
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_ACCESS_FAILURE_LOG_PER_USER_LIMIT = env.int("AXES_FAILURE_LOG_PER_USER", default=100)
# Usernames and addresses stay out of the application log (axes logs them at INFO and
# WARNING); LOGGING below also silences its logger.
AXES_VERBOSE = False
AXES_CLIENT_STR_CALLABLE = "staff_auth.services.sign_in_client_str"
# A staff session lasts at most this long after sign-in, and ends with the browser.
# Public pages keep no session (choices live in their own cookies), so this is global.
STAFF_SESSION_HOURS = env.int("STAFF_SESSION_HOURS", default=8)
SESSION_COOKIE_AGE = STAFF_SESSION_HOURS * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# The issuer shown in the staff's authenticator app next to their username.
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="Formations RGPD")
# How many single-use recovery codes a staff member gets (shown once, regenerable).
STAFF_RECOVERY_CODES = 10
# ---------------------------------------------------------------------------------------

# --- Hardening (issue 11): HTTPS, security headers, cookies. `check --deploy` is clean.
# HTTPS-only cookies and redirects outside DEBUG (behind a TLS-terminating proxy).
# X-Forwarded-Proto is believed only when a proxy is declared: facing visitors directly,
# anyone could send it and pass a plain-HTTP request off as HTTPS.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if TRUSTED_PROXIES > 0 else None
SECURE_SSL_REDIRECT = _bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = LANGUAGE_COOKIE_SECURE = not DEBUG
# The language choice is read by the server only, and never sent along from other sites.
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
# HSTS: one year, subdomains included, by default. Preloading (the browsers' built-in
# list, hard to leave) is the organisation's choice: SECURE_HSTS_PRELOAD=true opts in.
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 365 * 24 * 3600)
SECURE_HSTS_INCLUDE_SUBDOMAINS = _bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = _bool("SECURE_HSTS_PRELOAD", default=False)
SILENCED_SYSTEM_CHECKS = (
    []
    if SECURE_HSTS_PRELOAD
    else [
        # security.W021 asks for HSTS preload. Not preloading is a deliberate default: once on
        # the browsers' list, a domain and every subdomain are HTTPS-only for months after
        # leaving it, a commitment only the organisation can make (SECURE_HSTS_PRELOAD=true).
        "security.W021",
    ]
)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp): our own scripts, styles and images only, no inline
# code, on every page, the admin's included. A script the visitor did not consent to
# cannot even be fetched from another origin by mistake.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": [
            "'self'",
            # The one inline style of Django's admin (admin/change_list.html, a change list
            # without actions): allowed by its hash, never by 'unsafe-inline'.
            "'sha256-blvLUW3UscWqsXGByNOqdBboM+ShWAuugp2mC/wbafU='",
        ],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# Permissions-Policy (django-permissions-policy): no page needs any of these features.
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "encrypted-media",
        "fullscreen",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "picture-in-picture",
        "screen-wake-lock",
        "usb",
        "xr-spatial-tracking",
    )
}
# --- end of Hardening
