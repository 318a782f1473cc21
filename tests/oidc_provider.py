"""A small but real OpenID Connect provider on loopback, laid out like ProConnect (…/api/v2/authorize, /token,
/userinfo, /jwks, /session/end), for the tests of the ProConnect sign-in.

It speaks HTTP in a thread of the test process: discovery, the authorization endpoint (the person is taken as
already signed in at their identity provider: it answers at once with a code, or with ``error`` when told to),
the token endpoint (client secret, redirect URI, single-use code, PKCE S256 checked) signing RS256 ID tokens,
the JWKS, a userinfo endpoint answering a signed JWT as ProConnect does (or JSON), and the end-session page.
"""

import base64
import hashlib
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

BASE_PATH = "/api/v2"


@dataclass
class Grant:
    client_id: str
    redirect_uri: str
    nonce: str
    challenge: str
    method: str
    claims: dict
    expires: float


@dataclass
class Provider:
    client_id: str = "aiguillage-tests"
    client_secret: str = "secret-des-tests-0123456789"
    # The identity the next authorization asserts (the agent "signed in" at ProConnect).
    claims: dict = field(default_factory=lambda: {"sub": "agent-1", "email": "agent@nievre.gouv.fr"})
    # When set, the authorization answers with this error (the person cancelled, for instance).
    error: str = ""
    userinfo_as_jwt: bool = True
    # Sign ID tokens with a key the JWKS does not publish (a forged token).
    forge: bool = False
    # Every request, as (method, path, parameters), for the tests to read.
    seen: list = field(default_factory=list)
    grants: dict = field(default_factory=dict)
    access_tokens: dict = field(default_factory=dict)
    issued_id_tokens: list = field(default_factory=list)

    def __post_init__(self) -> None:
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.kid = secrets.token_hex(8)
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def issuer(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}{BASE_PATH}"

    def start(self) -> "Provider":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def settings(self) -> dict:
        """The site's settings that point at this provider."""
        return {
            "PROCONNECT_ENABLED": True,
            "PROCONNECT_CLIENT_ID": self.client_id,
            "PROCONNECT_CLIENT_SECRET": self.client_secret,
            "PROCONNECT_ISSUER": self.issuer,
            "PROCONNECT_LOGOUT_ENDPOINT": f"{self.issuer}/session/end",
            "OIDC_RP_CLIENT_ID": self.client_id,
            "OIDC_RP_CLIENT_SECRET": self.client_secret,
            "OIDC_OP_AUTHORIZATION_ENDPOINT": f"{self.issuer}/authorize",
            "OIDC_OP_TOKEN_ENDPOINT": f"{self.issuer}/token",
            "OIDC_OP_USER_ENDPOINT": f"{self.issuer}/userinfo",
            "OIDC_OP_JWKS_ENDPOINT": f"{self.issuer}/jwks",
        }

    def discovery(self) -> dict:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "userinfo_endpoint": f"{self.issuer}/userinfo",
            "jwks_uri": f"{self.issuer}/jwks",
            "end_session_endpoint": f"{self.issuer}/session/end",
            "response_types_supported": ["code"],
            "grant_types_supported": ["authorization_code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "userinfo_signing_alg_values_supported": ["RS256"],
            "code_challenge_methods_supported": ["S256"],
            "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
            "scopes_supported": ["openid", "email", "given_name", "usual_name", "uid", "siret"],
        }

    def jwks(self) -> dict:
        public = jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key(), as_dict=True)
        return {"keys": [{**public, "kid": self.kid, "alg": "RS256", "use": "sig"}]}

    def sign(self, payload: dict) -> str:
        key = self.other_key if self.forge else self.key
        return jwt.encode(payload, key, algorithm="RS256", headers={"kid": self.kid})

    # Endpoints: each returns (status, headers, body).

    def authorize(self, params: dict) -> tuple[int, dict, bytes]:
        redirect_uri = params.get("redirect_uri", "")
        if params.get("client_id") != self.client_id or not redirect_uri.startswith("http"):
            return 400, {"Content-Type": "text/plain"}, b"unknown client or redirect_uri"
        if params.get("response_type") != "code" or "openid" not in params.get("scope", "").split():
            return 400, {"Content-Type": "text/plain"}, b"bad request"
        state = params.get("state", "")
        if self.error:
            return 302, {"Location": f"{redirect_uri}?{urlencode({'error': self.error, 'state': state})}"}, b""
        code = secrets.token_urlsafe(24)
        self.grants[code] = Grant(
            client_id=self.client_id,
            redirect_uri=redirect_uri,
            nonce=params.get("nonce", ""),
            challenge=params.get("code_challenge", ""),
            method=params.get("code_challenge_method", ""),
            claims=dict(self.claims),
            expires=time.time() + 60,
        )
        return 302, {"Location": f"{redirect_uri}?{urlencode({'code': code, 'state': state})}"}, b""

    def token(self, params: dict, authorization: str) -> tuple[int, dict, bytes]:
        client_id, client_secret = params.get("client_id", ""), params.get("client_secret", "")
        if authorization.startswith("Basic "):
            client_id, _, client_secret = base64.b64decode(authorization[6:]).decode().partition(":")
        grant = self.grants.pop(params.get("code", ""), None)
        if client_id != self.client_id or client_secret != self.client_secret:
            return _json(401, {"error": "invalid_client"})
        if params.get("grant_type") != "authorization_code" or grant is None or grant.expires < time.time():
            return _json(400, {"error": "invalid_grant"})
        if params.get("redirect_uri") != grant.redirect_uri:
            return _json(400, {"error": "invalid_grant", "error_description": "redirect_uri"})
        verifier = params.get("code_verifier", "")
        digest = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
        if grant.method != "S256" or not verifier or digest != grant.challenge:
            return _json(400, {"error": "invalid_grant", "error_description": "PKCE"})
        now = int(time.time())
        id_token = self.sign(
            {
                "iss": self.issuer,
                "aud": self.client_id,
                "sub": grant.claims["sub"],
                "iat": now,
                "exp": now + 60,
                "nonce": grant.nonce,
                "acr": "eidas1",
                "amr": ["pwd"],
            }
        )
        self.issued_id_tokens.append(id_token)
        access_token = secrets.token_urlsafe(24)
        self.access_tokens[access_token] = grant.claims
        return _json(
            200, {"access_token": access_token, "token_type": "Bearer", "expires_in": 60, "id_token": id_token}
        )

    def userinfo(self, authorization: str) -> tuple[int, dict, bytes]:
        claims = self.access_tokens.get(authorization.removeprefix("Bearer "))
        if claims is None:
            return _json(401, {"error": "invalid_token"})
        if not self.userinfo_as_jwt:
            return _json(200, claims)
        body = self.sign({**claims, "iss": self.issuer, "aud": self.client_id, "iat": int(time.time())})
        return 200, {"Content-Type": "application/jwt"}, body.encode()

    def end_session(self, params: dict) -> tuple[int, dict, bytes]:
        if params.get("id_token_hint") not in self.issued_id_tokens or not params.get("post_logout_redirect_uri"):
            return 400, {"Content-Type": "text/plain"}, b"unknown session"
        target = f"{params['post_logout_redirect_uri']}?{urlencode({'state': params.get('state', '')})}"
        return 302, {"Location": target}, b""


def _json(status: int, payload: dict) -> tuple[int, dict, bytes]:
    return status, {"Content-Type": "application/json", "Cache-Control": "no-store"}, json.dumps(payload).encode()


def _handler(provider: Provider) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base class's name
            pass

        def _answer(self, method: str) -> None:
            url = urlsplit(self.path)
            params = {key: values[-1] for key, values in parse_qs(url.query).items()}
            if method == "POST":
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode()
                params.update({key: values[-1] for key, values in parse_qs(body).items()})
            provider.seen.append((method, url.path, params))
            authorization = self.headers.get("Authorization", "")
            path = url.path.removeprefix(BASE_PATH)
            routes = {
                ("GET", "/.well-known/openid-configuration"): lambda: _json(200, provider.discovery()),
                ("GET", "/jwks"): lambda: _json(200, provider.jwks()),
                ("GET", "/authorize"): lambda: provider.authorize(params),
                ("POST", "/token"): lambda: provider.token(params, authorization),
                ("GET", "/userinfo"): lambda: provider.userinfo(authorization),
                ("GET", "/session/end"): lambda: provider.end_session(params),
            }
            route = routes.get((method, path))
            status, headers, body = route() if route else (404, {"Content-Type": "text/plain"}, b"not found")
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:  # noqa: N802 - the base class's name
            self._answer("GET")

        def do_POST(self) -> None:  # noqa: N802
            self._answer("POST")

    return Handler
