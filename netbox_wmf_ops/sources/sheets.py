"""Google Sheets API v4 client: ``spreadsheets.values.get`` with a service account (OAuth 2 JWT bearer grant).

No Google library needed: the assertion is signed with PyJWT + cryptography (both shipped with NetBox) and exchanged
at the account's ``token_uri``. Read-only scope. Cells come back as they are typed in the sheet
(``valueRenderOption=FORMULA``), so a formula cell reads ``=NETBOX(...)``; dates come back formatted."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import jwt

from . import SourceError
from .http import HttpOptions, new_session, request_json

SCOPE = "https://www.googleapis.com/auth/spreadsheets.readonly"
DEFAULT_API_URL = "https://sheets.googleapis.com"
JWT_BEARER_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"
ASSERTION_LIFETIME = 3600  # seconds; Google's maximum

Rows = list[list[str]]


@dataclass(frozen=True)
class ServiceAccount:
    client_email: str
    private_key: str
    private_key_id: str
    token_uri: str


def load_service_account(path: str) -> ServiceAccount:
    """Read a service-account JSON key file (as downloaded from Google). Errors never quote the file's content."""
    if not path:
        raise SourceError("Accounting: no Google service-account credentials file configured")
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as error:
        raise SourceError(f"Accounting: cannot read credentials file {path}: {error.strerror}") from None
    except ValueError:
        raise SourceError(f"Accounting: credentials file {path} is not valid JSON") from None
    return service_account_from_mapping(data, source=path)


def service_account_from_mapping(data: Any, source: str = "credentials") -> ServiceAccount:
    if not isinstance(data, dict):
        raise SourceError(f"Accounting: {source} is not a service-account JSON object")
    missing = [
        k for k in ("client_email", "private_key", "token_uri") if not isinstance(data.get(k), str) or not data[k]
    ]
    if missing:
        raise SourceError(f"Accounting: {source} lacks {', '.join(missing)}")
    return ServiceAccount(
        data["client_email"], data["private_key"], str(data.get("private_key_id") or ""), data["token_uri"]
    )


def make_assertion(account: ServiceAccount, now: int | None = None) -> str:
    """The signed JWT a service account presents to ``token_uri`` (RFC 7523)."""
    issued = int(time.time() if now is None else now)
    claims = {
        "iss": account.client_email,
        "scope": SCOPE,
        "aud": account.token_uri,
        "iat": issued,
        "exp": issued + ASSERTION_LIFETIME,
    }
    headers = {"kid": account.private_key_id} if account.private_key_id else None
    try:
        return jwt.encode(claims, account.private_key, algorithm="RS256", headers=headers)
    except Exception:  # any key problem; the message must not echo the key
        raise SourceError("Accounting: the service account's private_key is not a valid RSA private key") from None


class SheetsClient:
    """Reads ranges of one spreadsheet. One access token per client (i.e. per report run)."""

    def __init__(
        self, spreadsheet_id: str, account: ServiceAccount, *, options: HttpOptions, api_url: str = DEFAULT_API_URL
    ):
        if not spreadsheet_id:
            raise SourceError("Accounting: no spreadsheet id configured")
        self.spreadsheet_id = spreadsheet_id
        self.account = account
        self.api_url = api_url.rstrip("/")
        self.options = HttpOptions(
            options.connect_timeout,
            options.read_timeout,
            options.verify,
            options.proxies,
            (*options.secrets, account.private_key),
        )
        self.session = new_session()
        self._token: str | None = None

    def access_token(self) -> str:
        if self._token is None:
            body = request_json(
                self.session,
                "POST",
                self.account.token_uri,
                what="Google OAuth token endpoint",
                options=self.options,
                data={"grant_type": JWT_BEARER_GRANT, "assertion": make_assertion(self.account)},
            )
            token = body.get("access_token") if isinstance(body, dict) else None
            if not isinstance(token, str) or not token:
                raise SourceError("Google OAuth token endpoint: answer has no access_token")
            self._token = token
            self.options = HttpOptions(
                self.options.connect_timeout,
                self.options.read_timeout,
                self.options.verify,
                self.options.proxies,
                (*self.options.secrets, token),
            )
        return self._token

    def get_values(self, a1_range: str) -> Rows:
        """The cells of ``a1_range`` as rows of strings (trailing empty cells and rows are omitted, as the API does)."""
        url = f"{self.api_url}/v4/spreadsheets/{quote(self.spreadsheet_id, safe='')}/values/{quote(a1_range, safe='')}"
        body = request_json(
            self.session,
            "GET",
            url,
            what=f"Google Sheets ({a1_range})",
            options=self.options,
            headers={"Authorization": f"Bearer {self.access_token()}"},
            params={
                "valueRenderOption": "FORMULA",
                "dateTimeRenderOption": "FORMATTED_STRING",
                "majorDimension": "ROWS",
            },
        )
        return parse_value_range(body, a1_range)


def parse_value_range(body: Any, a1_range: str) -> Rows:
    """Validate a ValueRange answer and turn every cell into a string (a number typed in a cell arrives as a JSON
    number: the original crashed on it, docs/behaviour-reference.md §6.4 item 16)."""
    if not isinstance(body, dict):
        raise SourceError(f"Google Sheets ({a1_range}): answer is not a ValueRange object")
    if body.get("majorDimension", "ROWS") != "ROWS":
        raise SourceError(f"Google Sheets ({a1_range}): expected majorDimension ROWS, got {body['majorDimension']!r}")
    values = body.get("values", [])  # omitted entirely when the range is empty
    if not isinstance(values, list) or not all(isinstance(row, list) for row in values):
        raise SourceError(f"Google Sheets ({a1_range}): 'values' is not a list of rows")
    try:
        return [[cell_text(cell) for cell in row] for row in values]
    except TypeError as error:
        raise SourceError(f"Google Sheets ({a1_range}): {error}") from None


def cell_text(cell: Any) -> str:
    """One cell as text: numbers without a spurious '.0', booleans as Sheets shows them."""
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return "TRUE" if cell else "FALSE"
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, str | int | float):
        return str(cell)
    raise TypeError(f"unexpected cell value of type {type(cell).__name__}")
