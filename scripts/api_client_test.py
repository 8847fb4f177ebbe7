"""Drives innozone's JSON API through a client generated from its own OpenAPI document.

Called by scripts/test-api-client with the innozone binary and the generator. Fails (exit
code 1, the reason on standard error) when the document is not valid OpenAPI, when the
generator cannot make a client of it, or when the client's answers are not the ones the
calls before them make certain (a zone, a park and an enterprise imported through it).
"""

import importlib
import json
import re
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from pathlib import Path

from openapi_spec_validator import validate

BINARY, GENERATOR = sys.argv[1], sys.argv[2]


def start_server(workdir: Path) -> tuple[subprocess.Popen, str, str]:
    """Serves a new, empty store on a free port (port 0: the system picks one, and serve
    prints the address it got) and reads the printed address and the one-time
    administrator password."""
    server = subprocess.Popen(
        [BINARY, "--lang", "en", "--database", str(workdir / "store.sqlite"),
         "serve", "--no-example", "--listen", "127.0.0.1:0"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    url = password = None
    deadline = time.monotonic() + 120
    while (url is None or password is None) and time.monotonic() < deadline:
        line = server.stdout.readline()
        if not line:
            raise SystemExit(f"serve ended early: {server.stderr.read()}")
        if m := re.search(r"running at (http://[0-9.:]+)/", line):
            url = m.group(1)
        # "… change the password at first log-in): user admin  password <password>"
        if m := re.search(r"user admin +password (\S+)$", line.strip()):
            password = m.group(1)
    if url is None or password is None:
        server.kill()
        raise SystemExit("serve did not print its address and the administrator password")
    return server, url, password


def get(url: str) -> tuple[str, bytes]:
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.headers.get("Content-Type", ""), response.read()


def check(condition: bool, what: str) -> None:
    if not condition:
        raise SystemExit(f"FAILED: {what}")
    print(f"ok: {what}")


def main() -> None:
    workdir = Path(tempfile.mkdtemp(prefix="innozone-api-client-"))
    server, url, password = start_server(workdir)
    try:
        _, body = get(f"{url}/api/openapi.json")
        spec = json.loads(body)
        (workdir / "openapi.json").write_bytes(body)

        validate(spec)
        ids = [
            op["operationId"]
            for item in spec["paths"].values()
            for method, op in item.items()
            if method in {"get", "put", "post", "delete", "patch"}
        ]
        repeated = [i for i, n in Counter(ids).items() if n > 1]
        check(not repeated, f"openapi-spec-validator accepts the document; {len(ids)} operations, "
              f"operation ids repeated: {repeated or 'none'}")

        config = workdir / "generator.yaml"
        # No post hooks: the generator formats its output with ruff, which is not needed
        # to import it.
        config.write_text("project_name_override: innozone-client\n"
                          "package_name_override: innozone_client\n"
                          "post_hooks: []\n")
        generated = subprocess.run(
            [GENERATOR, "generate", "--path", str(workdir / "openapi.json"), "--meta", "none",
             "--config", str(config), "--output-path", str(workdir / "innozone_client")],
            capture_output=True, text=True,
        )
        if generated.returncode != 0:
            print(generated.stdout, generated.stderr, file=sys.stderr)
        # It warns that it leaves out what it cannot express (text/plain uploads of a form
        # or catalogue, xlsx downloads); those operations are still in the document.
        check(generated.returncode == 0, "openapi-python-client generates a client")
        sys.path.insert(0, str(workdir))
        client_package = importlib.import_module("innozone_client")
        api = "innozone_client.api"
        create_session = importlib.import_module(f"{api}.sessions.create_session")
        show_current_user = importlib.import_module(f"{api}.sessions.show_current_user")
        change_own_password = importlib.import_module(f"{api}.sessions.change_own_password")
        list_units = importlib.import_module(f"{api}.units.list_units")
        import_units = importlib.import_module(f"{api}.units.import_units")
        import_enterprises = importlib.import_module(f"{api}.enterprises.import_enterprises")
        list_enterprises = importlib.import_module(f"{api}.enterprises.list_enterprises")
        models = importlib.import_module("innozone_client.models")

        anonymous = client_package.Client(base_url=url, raise_on_unexpected_status=True)
        refused = create_session.sync_detailed(
            client=anonymous, body=models.LoginRequest(username="admin", password="wrong"))
        check(refused.status_code == 401, f"a wrong password is refused: {refused.status_code}")
        session = create_session.sync(
            client=anonymous, body=models.LoginRequest(username="admin", password=password))
        check(session.user.username == "admin" and len(session.token) >= 32,
              "POST /api/v1/sessions signs the administrator in and returns a token")

        client = client_package.AuthenticatedClient(
            base_url=url, token=session.token, raise_on_unexpected_status=True)
        # The printed password is for one log-in: nothing else works until it is changed.
        check(session.user.must_change_password,
              "the administrator's one-time password must be changed first")
        lenient = client_package.AuthenticatedClient(base_url=url, token=session.token)
        refused = show_current_user.sync_detailed(client=lenient)
        check(refused.status_code == 403 and b"must_change_password" in refused.content,
              f"GET /api/v1/me is refused until then: {refused.status_code}")
        changed = change_own_password.sync_detailed(
            client=client,
            body=models.PasswordChange(current=password, new="Api-Client#2026"))
        check(changed.status_code == 204,
              f"PUT /api/v1/me/password changes it: {changed.status_code}")
        me = show_current_user.sync(client=client)
        check(me.user.username == "admin" and me.user.role == "administrator",
              f"GET /api/v1/me is the administrator: {me.user.username}, {me.user.role}")

        zone_and_park = [
            models.ImportUnitsBodyItem.from_dict(row) for row in [
                {"code": "TZ", "name_zh": "试验高新区", "kind": "zone",
                 "member_since": "2020-01-01"},
                {"code": "TZ-P1", "name_zh": "一号园区", "kind": "park", "parent_code": "TZ",
                 "member_since": "2020-01-01"},
            ]
        ]
        report = import_units.sync(client=client, body=zone_and_park)
        check((report.rows, report.created) == (2, 2),
              f"POST /api/v1/units creates a zone and its park: {report.rows} rows, "
              f"{report.created} created")
        units = {u.code: u for u in list_units.sync(client=client)}
        check(sorted(units) == ["TZ", "TZ-P1"] and units["TZ-P1"].name_zh == "一号园区"
              and units["TZ"].kind == "zone", f"GET /api/v1/units lists them: {sorted(units)}")

        # A credit code with a right check digit (GB 32100-2015), in the park.
        enterprise = models.ImportEnterprisesBodyItem.from_dict({
            "credit_code": "914403001922038216", "name": "兰州某某科技有限公司",
            "industry_code": "6511", "size_class": "规上", "registration_type": "有限责任公司",
            "park_code": "TZ-P1", "located_since": "2020-03-01"})
        report = import_enterprises.sync(client=client, body=[enterprise])
        check(report.created == 1, "POST /api/v1/enterprises creates an enterprise")
        page = list_enterprises.sync(client=client, limit=5)
        check(page.total == 1 and page.items[0].credit_code == "914403001922038216"
              and page.items[0].park_code == "TZ-P1" and page.items[0].size_class == "above_scale",
              f"GET /api/v1/enterprises lists it in its park, 规上 read as above_scale: "
              f"{[(e.name, e.park_code, e.size_class) for e in page.items]}")

        kind, html = get(f"{url}/api/docs")
        check(kind.startswith("text/html") and b'<redoc spec-url="/api/openapi.json"' in html,
              "GET /api/docs is the reference page drawn from /api/openapi.json")
        kind, script = get(f"{url}/assets/vendor/redoc.standalone.js")
        check(kind.startswith("text/javascript") and b"Redoc" in script[:1000],
              f"… with its vendored Redoc ({len(script)} bytes)")
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
