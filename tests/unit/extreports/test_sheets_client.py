"""The Google Sheets client against a local fake of the token endpoint and values.get (documented wire format)."""

import json
import socket

import pytest

from dev.fakes.extreports import FakeGoogleSheets, ServiceAccountKey
from dev.fakes.tls import self_signed_certificate
from netbox_wmf_ops.sources import SourceError
from netbox_wmf_ops.sources.config import pick_proxy
from netbox_wmf_ops.sources.http import HttpOptions
from netbox_wmf_ops.sources.sheets import SheetsClient, load_service_account, parse_value_range

SHEET_ID = "1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789"
ASSETS = "Assets!A1:E"
FAST = HttpOptions(connect_timeout=2, read_timeout=2)


@pytest.fixture(scope="module")
def account():
    return ServiceAccountKey()


@pytest.fixture
def google(account):
    rows = [["title"], ["Date", "Serial Number", "Asset Tag#", "RT#"], ["01/02/2020", 12345, "=NETBOX(B3)", 7.0]]
    with FakeGoogleSheets(account, {SHEET_ID: {ASSETS: rows, "Empty!A:A": []}}) as fake:
        yield fake


def client_for(fake, account, tmp_path, options=FAST, **kwargs):
    credentials = load_service_account(str(account.write(tmp_path, fake.token_uri)))
    return SheetsClient(SHEET_ID, credentials, options=options, api_url=fake.url, **kwargs)


def test_reads_values_with_formula_rendering_and_one_token(google, account, tmp_path):
    client = client_for(google, account, tmp_path)
    assert client.get_values(ASSETS) == [
        ["title"],
        ["Date", "Serial Number", "Asset Tag#", "RT#"],
        ["01/02/2020", "12345", "=NETBOX(B3)", "7"],  # JSON numbers become text: no crash on numeric serials
    ]
    assert client.get_values("Empty!A:A") == []  # the API omits "values" for an empty range
    token_calls = [r for r in google.requests if r.path == "/token"]
    value_calls = [r for r in google.requests if r.path.startswith("/v4/")]
    assert len(token_calls) == 1 and len(value_calls) == 2
    assert value_calls[0].path == f"/v4/spreadsheets/{SHEET_ID}/values/{ASSETS}"
    assert value_calls[0].query == {
        "valueRenderOption": ["FORMULA"],
        "dateTimeRenderOption": ["FORMATTED_STRING"],
        "majorDimension": ["ROWS"],
    }
    assert value_calls[0].headers["Authorization"].split()[1] in google.issued_tokens


def failure_text(call) -> str:
    with pytest.raises(SourceError) as raised:
        call()
    text = str(raised.value)
    assert "\n" not in text and "Traceback" not in text
    return text


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (401, "answered HTTP 401: Injected failure"),
        (403, "answered HTTP 403: Injected failure"),
        (500, "answered HTTP 500: Injected failure"),
    ],
)
def test_http_errors_are_one_line(google, account, tmp_path, status, expected):
    google.fail_with("/v4/", status)
    text = failure_text(lambda: client_for(google, account, tmp_path).get_values(ASSETS))
    assert text == f"Google Sheets ({ASSETS}): {google.url[7:]} {expected}"


def test_a_real_google_error_message_is_quoted(google, account, tmp_path):
    text = failure_text(lambda: client_for(google, account, tmp_path).get_values("Nope!A:B"))
    assert text.endswith("answered HTTP 400: Unable to parse range: Nope!A:B")


def test_malformed_json_is_one_line(google, account, tmp_path):
    google.fail_with("/v4/", 200, "<html><body>Service Unavailable</body></html>")
    text = failure_text(lambda: client_for(google, account, tmp_path).get_values(ASSETS))
    assert "answered malformed JSON: '<html><body>Service Unavailable</body></html>'" in text


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"range": ASSETS, "majorDimension": "ROWS", "values": "nope"}, "'values' is not a list of rows"),
        ([1, 2], "not a ValueRange object"),
        ({"majorDimension": "COLUMNS", "values": []}, "expected majorDimension ROWS"),
        ({"values": [[{"formula": 1}]]}, "unexpected cell value of type dict"),
    ],
)
def test_unexpected_json_shapes(body, message):
    with pytest.raises(SourceError, match=message):
        parse_value_range(body, ASSETS)


def test_wrong_key_is_refused_by_the_token_endpoint(google, tmp_path):
    other = ServiceAccountKey()  # a key Google does not know for this account
    text = failure_text(lambda: client_for(google, other, tmp_path).get_values(ASSETS))
    assert text.startswith("Google OAuth token endpoint:") and "HTTP 400: Invalid JWT" in text


def test_unreachable_service(account, tmp_path):
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    path = account.write(tmp_path, f"http://127.0.0.1:{port}/token")
    client = SheetsClient(SHEET_ID, load_service_account(str(path)), options=FAST, api_url=f"http://127.0.0.1:{port}")
    text = failure_text(lambda: client.get_values(ASSETS))
    assert text == f"Google OAuth token endpoint: cannot reach 127.0.0.1:{port}: Connection refused"


def test_read_timeout(google, account, tmp_path):
    google.fail_with("/v4/", 200, "{}", delay=1.5)
    options = HttpOptions(connect_timeout=1, read_timeout=0.3)
    text = failure_text(lambda: client_for(google, account, tmp_path, options).get_values(ASSETS))
    assert text.endswith("did not answer within 0.3 s")


def test_tls_is_verified_by_default_and_a_ca_bundle_can_be_given(account, tmp_path):
    cert, key = self_signed_certificate(tmp_path)
    with FakeGoogleSheets(account, {SHEET_ID: {ASSETS: [["x"]]}}, tls=(cert, key)) as fake:
        text = failure_text(lambda: client_for(fake, account, tmp_path).get_values(ASSETS))
        assert "TLS verification failed" in text and "certificate verify failed" in text
        trusted = HttpOptions(connect_timeout=2, read_timeout=2, verify=cert)
        assert client_for(fake, account, tmp_path, trusted).get_values(ASSETS) == [["x"]]


def test_requests_go_through_the_configured_proxy(account, tmp_path):
    # The fake doubles as a forward proxy: requests sends it absolute URLs for a host that does not resolve.
    with FakeGoogleSheets(
        account, {SHEET_ID: {ASSETS: [["via proxy"]]}}, audience="http://sheets.invalid/token"
    ) as fake:
        credentials = load_service_account(str(account.write(tmp_path, "http://sheets.invalid/token")))
        options = HttpOptions(connect_timeout=2, read_timeout=2, proxies=pick_proxy({"http": fake.url}))
        client = SheetsClient(SHEET_ID, credentials, options=options, api_url="http://sheets.invalid")
        assert client.get_values(ASSETS) == [["via proxy"]]
        assert [r.path for r in fake.requests] == ["/token", f"/v4/spreadsheets/{SHEET_ID}/values/{ASSETS}"]


def test_secrets_never_appear_in_failures(google, account, tmp_path):
    client = client_for(google, account, tmp_path)
    client.get_values(ASSETS)  # obtains a token
    token = client.access_token()
    google.fail_with("/v4/", 401, json.dumps({"error": {"message": f"bad token {token}"}}))
    text = failure_text(lambda: client.get_values(ASSETS))
    assert token not in text and "***" in text
    assert "PRIVATE KEY" not in text


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "cannot read credentials file"),
        ("{not json", "is not valid JSON"),
        ('{"client_email": "x@y"}', "lacks private_key, token_uri"),
    ],
)
def test_bad_credentials_files(tmp_path, content, message):
    path = tmp_path / "creds.json"
    if content is not None:
        path.write_text(content)
    with pytest.raises(SourceError, match=message):
        load_service_account(str(path))


def test_an_invalid_private_key_is_reported_without_echoing_it(google, tmp_path):
    path = tmp_path / "creds.json"
    secret = "-----BEGIN PRIVATE KEY-----\nnot-a-key-but-secret\n-----END PRIVATE KEY-----\n"
    path.write_text(json.dumps({"client_email": "a@b", "private_key": secret, "token_uri": google.token_uri}))
    client = SheetsClient(SHEET_ID, load_service_account(str(path)), options=FAST, api_url=google.url)
    text = failure_text(lambda: client.get_values(ASSETS))
    assert text == "Accounting: the service account's private_key is not a valid RSA private key"


@pytest.mark.parametrize(
    ("proxies", "expected"),
    [
        ({"https": "http://proxy:8080", "http": "http://other:80"}, "http://proxy:8080"),
        ({"http": "http://webproxy.eqiad.wmnet:8080"}, "http://webproxy.eqiad.wmnet:8080"),
        ({}, None),
        (None, None),
        ({"https": "not a url"}, None),
        ("http://proxy:8080", None),
    ],
)
def test_proxy_choice_follows_netbox_http_proxies(proxies, expected):
    assert pick_proxy(proxies) == (None if expected is None else {"https": expected, "http": expected})
