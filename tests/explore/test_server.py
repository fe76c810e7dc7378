"""The explorer's server: bound to the host asked for only, answers bad or abusive requests
with a 400 naming the parameter (never a traceback), runs and cancels jobs, and the command
shuts down cleanly on Ctrl-C."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from modelcollapse.explore.params import MAX_SEEDS, MAX_UPLOAD_BYTES

from .browser import serving


@pytest.fixture(scope="module")
def server():
    with serving() as running:
        yield running


def call(server, path: str, *, method: str = "GET", body: bytes | None = None,
         headers: dict | None = None) -> tuple[int, bytes]:
    request = urllib.request.Request(server.url.rstrip("/") + path, data=body, method=method,
                                     headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as err:
        return err.code, err.read()


def refusal(server, path: str, **kwargs) -> str:
    status, body = call(server, path, **kwargs)
    assert status == 400, body
    return json.loads(body)["error"]


def outward_address() -> str:
    """This machine's address on its default route (a UDP connect sends nothing)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))
        except OSError:
            return "127.0.0.1"
        return probe.getsockname()[0]


def test_binds_the_loopback_address_only(server):
    assert server.server_address[0] == "127.0.0.1"
    address = outward_address()
    if address.startswith("127."):
        pytest.skip("this machine has no address besides the loopback")
    with pytest.raises(OSError), socket.create_connection((address, server.server_port), 2):
        pass


def test_serves_the_page_and_plotly_from_the_package(server):
    status, page = call(server, "/")
    assert status == 200 and b"/static/plotly.min.js" in page
    status, script = call(server, "/static/plotly.min.js")
    assert status == 200 and len(script) > 1_000_000
    views = json.loads(call(server, "/api/views")[1])
    assert [v["name"] for v in views["views"]] == ["smc-n", "smc-m", "workflows", "tails", "data"]
    assert views["caps"]["seeds"] == MAX_SEEDS


def test_huge_requests_are_refused(server, capfd):
    assert "points must be <= 400" in refusal(server, "/api/view?view=smc-n&points=1e7")
    assert "d must be <= 10000" in refusal(server, "/api/view?view=smc-n&d=1e9")
    assert "T must be <= 200000" in refusal(server, "/api/view?view=workflows&T=1e9")
    assert "d must be <= 1000 for a simulation" in refusal(
        server, "/api/simulate?view=smc-n&d=5000", method="POST")
    assert f"seeds must be <= {MAX_SEEDS}" in refusal(
        server, "/api/simulate?view=smc-n&seeds=100000", method="POST")
    assert "csv: the file is" in refusal(
        server, "/api/view?view=data", method="POST", body=b"n,p2,loss\n",
        headers={"Content-Length": str(MAX_UPLOAD_BYTES + 1)})
    assert "at most 200 characters" in refusal(server, "/api/view?view=smc-n&p2=" + "1" * 500)
    assert "Content-Length must be >= 0" in refusal(
        server, "/api/view?view=data", method="POST", body=b"n,p2,loss\n",
        headers={"Content-Length": "-1"})
    assert "Traceback" not in capfd.readouterr().err


def test_bad_values_and_unknown_routes(server, capfd):
    assert refusal(server, "/api/view?view=nope").startswith("view must be one of smc-n")
    assert refusal(server, "/api/view?view=smc-n&c2=-1").startswith("c2 must be >= 0")
    assert refusal(server, "/api/view?view=smc-n&format=xml").startswith("format must be")
    assert "n: every value must be > 0" in refusal(
        server, "/api/view?view=data", method="POST", body=b"n,p2,loss\n0,0,1\n1,0,1\n2,0,1\n")
    assert "has no column 'loss'" in refusal(server, "/api/view?view=data", method="POST",
                                             body=b"n,p2\n1,0\n")
    assert call(server, "/api/nothing")[0] == 404
    assert call(server, "/static/../server.py")[0] == 404
    assert call(server, "/api/jobs/999")[0] == 404
    status, _ = call(server, "/api/views", headers={"Host": "attacker.example:80"})
    assert status == 403  # a rebound DNS name does not reach the server
    assert "Traceback" not in capfd.readouterr().err


def test_csv_export_downloads(server):
    status, body = call(server, "/api/view?view=tails&points=10&format=csv")
    assert status == 200 and body.decode().startswith("curve,kind,T (training samples),")


def test_a_job_reports_progress_and_can_be_cancelled(server):
    status, body = call(server, "/api/simulate?view=workflows&d=5&T=20&generations=3&seeds=2",
                        method="POST")
    job = json.loads(body)
    assert status == 200 and job["total"] == 4
    for _ in range(300):
        job = json.loads(call(server, f"/api/jobs/{job['id']}")[1])
        if job["state"] != "running":
            break
        time.sleep(0.05)
    assert job["state"] == "done" and len(job["markers"]) == 4
    slow = json.loads(call(server, "/api/simulate?view=smc-m&quantity=test_error&seeds=64",
                           method="POST")[1])
    cancelled = json.loads(call(server, f"/api/jobs/{slow['id']}/cancel", method="POST")[1])
    for _ in range(600):
        if cancelled["state"] != "running":
            break
        time.sleep(0.05)
        cancelled = json.loads(call(server, f"/api/jobs/{slow['id']}")[1])
    assert cancelled["state"] == "cancelled" and cancelled["done"] < cancelled["total"]


def explore(*args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "modelcollapse", "explore", *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_the_command_serves_and_stops_cleanly_on_ctrl_c():
    process = explore("--port", "0", "--no-browser")
    try:
        line = process.stdout.readline()
        assert line.startswith("modelcollapse explore: serving on http://127.0.0.1:")
        url = line.split()[4]
        with urllib.request.urlopen(url + "api/views", timeout=30) as response:
            assert response.status == 200
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=10)
    finally:
        process.kill()
    assert process.returncode == 0
    assert "stopped" in out and "Traceback" not in err


def test_the_command_refuses_a_bad_port_in_one_line():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        process = explore("--port", str(taken.getsockname()[1]), "--no-browser")
        _, err = process.communicate(timeout=30)
    assert process.returncode == 2
    assert err.count("\n") == 1 and "cannot listen on 127.0.0.1" in err
    process = explore("--port", "70000", "--no-browser")
    _, err = process.communicate(timeout=30)
    assert process.returncode == 2 and "--port must be from 0 to 65535" in err
