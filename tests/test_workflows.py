"""The GitHub workflows: linted by zizmor and the workflow schema, and checked for what matters."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
import yaml
from conftest import REPO

WORKFLOWS = REPO / ".github" / "workflows"


def load(name: str) -> dict:
    data = yaml.safe_load((WORKFLOWS / name).read_text())
    data["on"] = data.pop(True, data.get("on"))  # YAML 1.1 reads the key `on` as true
    return data


def tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.skip(f"{name} is not installed (pip install -r requirements/dev.txt)")
    return path


def test_zizmor_pedantic_finds_nothing() -> None:
    result = subprocess.run([tool("zizmor"), "--offline", "--persona=pedantic", str(WORKFLOWS)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0 and "No findings" in result.stdout + result.stderr, result.stdout + result.stderr


def test_workflow_schema_accepts_both_files() -> None:
    result = subprocess.run([tool("check-jsonschema"), "--builtin-schema", "vendor.github-workflows",
                             str(WORKFLOWS / "update.yml"), str(WORKFLOWS / "ci.yml")],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def test_update_runs_daily_off_the_hour_and_by_hand() -> None:
    on = load("update.yml")["on"]
    cron = on["schedule"][0]["cron"]
    minute, hour = cron.split()[:2]
    assert minute != "0" and 0 <= int(hour) <= 2 and cron.split()[2:] == ["*", "*", "*"]
    assert "workflow_dispatch" in on


def test_permissions_are_minimal() -> None:
    update = load("update.yml")
    assert update["permissions"] == {}
    job, notify = update["jobs"]["update"], update["jobs"]["notify"]
    assert job["permissions"] == {"contents": "write", "pages": "read"}  # pages: read for the email; issues: notify
    assert notify["permissions"] == {"issues": "write"} and notify["needs"] == "update"
    assert update["concurrency"]["cancel-in-progress"] is False
    assert job["timeout-minutes"] <= 60 and notify["timeout-minutes"] <= 10
    assert load("ci.yml")["permissions"] == {"contents": "read"}
    text = (WORKFLOWS / "update.yml").read_text()
    for grant in ("contents", "issues", "pages", "id-token"):
        assert re.search(rf"^\s+{grant}: write\s+# \S", text, re.MULTILINE), f"{grant} grant is not commented"
    for name in ("update.yml", "ci.yml"):  # GitHub Models is retired: no job asks for it
        workflow = load(name)
        grants = [workflow.get("permissions") or {}] + [j.get("permissions") or {} for j in workflow["jobs"].values()]
        assert not any("models" in g for g in grants if isinstance(g, dict)), name
        assert not re.search(r"^\s*models\s*:", (WORKFLOWS / name).read_text(), re.MULTILINE), name


def test_the_update_step_passes_only_the_readers_own_model_key_and_endpoint() -> None:
    job = load("update.yml")["jobs"]["update"]
    env = next(s for s in job["steps"] if "update.py" in s.get("run", ""))["env"]
    assert env["LLM_API_KEY"] == "${{ secrets.LLM_API_KEY }}", "the secret alone: never the job's own token"
    assert env["LLM_BASE_URL"] == "${{ vars.LLM_BASE_URL }}"
    assert env["S2_API_KEY"] == "${{ secrets.S2_API_KEY }}"
    assert "S2_API_URL" not in env and "LLM_ALLOW_PLAIN_HTTP_KEY" not in env, "tests and local runs only"
    steps = [s for s in job["steps"] if "LLM_API_KEY" in s.get("env", {})]
    assert len(steps) == 1, "the key goes to the update step only"
    for name in ("update.yml", "ci.yml"):
        for other in load(name)["jobs"].values():
            for step in other["steps"]:
                for variable, value in (step.get("env") or {}).items():
                    if variable.startswith(("LLM_", "S2_")):
                        assert "github.token" not in str(value) and "GITHUB_TOKEN" not in str(value), variable
    text = (WORKFLOWS / "update.yml").read_text()
    assert not re.search(r"LLM_API_KEY:.*(github\.token|GITHUB_TOKEN)", text)


def test_issue_job_checks_that_issues_are_enabled_and_says_how_to_enable_them() -> None:
    notify = load("update.yml")["jobs"]["notify"]
    script = "\n".join(step.get("run", "") for step in notify["steps"])
    check, warning, create = (script.index(s) for s in (".has_issues", "::warning", "gh issue create"))
    assert check < warning < create and "Settings > General > Features > Issues" in script
    assert "base64 -d" in script and "needs.update.outputs.issue" in notify["if"]
    handoff = load("update.yml")["jobs"]["update"]["steps"][-1]
    assert "base64 -w0" in handoff["run"] and handoff["if"] == "${{ !cancelled() }}"


@pytest.mark.parametrize("name", ["update.yml", "ci.yml"])
def test_actions_are_pinned_to_full_shas_and_runs_have_no_expressions(name: str) -> None:
    workflow = load(name)
    for job in workflow["jobs"].values():
        for step in job["steps"]:
            if "uses" in step:
                assert re.fullmatch(r"[\w.-]+/[\w.-]+(?:/[\w.-]+)*@[0-9a-f]{40}", step["uses"]), step["uses"]  # owner/repo[/path]
            assert "${{" not in step.get("run", ""), f"expression inside run: {step['run']}"
    text = (WORKFLOWS / name).read_text()
    assert all(re.search(r"@[0-9a-f]{40} # v\d", line) for line in text.splitlines() if "uses:" in line)


def test_workflows_run_the_documented_commands() -> None:
    readme = (REPO / "docs" / "development.md").read_text()  # the docs' page on setting up a clone
    job = load("update.yml")["jobs"]["update"]
    runs = "\n".join(step.get("run", "") for step in job["steps"])
    assert "python scripts/update.py --commit --push" in runs
    assert "pip install -r requirements/dev.txt" in readme
    checkout = next(s for s in job["steps"] if s.get("uses", "").startswith("actions/checkout@"))
    assert checkout["with"]["persist-credentials"] is True
    env = next(s for s in job["steps"] if "update.py" in s.get("run", ""))["env"]
    assert env["GIT_AUTHOR_EMAIL"] == "41898282+github-actions[bot]@users.noreply.github.com"
    (ci_job,) = load("ci.yml")["jobs"].values()
    assert any(step.get("run", "").strip() == "pytest" for step in ci_job["steps"])
    assert any(step.get("run", "").strip() == "python -m pip install -r requirements/dev.txt" for step in ci_job["steps"])
    assert "\npip install -r requirements/dev.txt\npytest\n" in readme, "README's two commands: install, test"
    ci_run = (REPO / ".ci" / "run").read_text()
    assert "\npytest\n" in ci_run and "-r requirements/dev.txt" in ci_run


def test_the_daily_workflow_installs_only_the_runtime_requirements_checked_by_hash() -> None:
    job = load("update.yml")["jobs"]["update"]
    installs = [step["run"] for step in job["steps"] if "pip" in step.get("run", "")]
    assert installs == ["python -m pip install --require-hashes -r requirements.txt"], installs


def test_the_script_stops_fetching_well_before_the_workflow_kills_the_job() -> None:
    from core import config as cfg

    minutes = load("update.yml")["jobs"]["update"]["timeout-minutes"]
    assert cfg.MAX_TIME_BUDGET + 10 * 60 <= minutes * 60, "time_budget's maximum leaves no time to render and commit"
    assert f"{minutes} minutes" in cfg._SETTING_HELP["time_budget"]
    from digest import summaries

    assert cfg.MAX_TIME_BUDGET + summaries.TIME_BUDGET + 5 * 60 <= minutes * 60, "the model's budget leaves no time"


def test_only_the_deploy_job_can_publish_the_site() -> None:
    jobs = load("update.yml")["jobs"]
    assert set(jobs) == {"update", "notify", "site", "deploy"}
    for name, job in jobs.items():
        grants = job["permissions"]
        publishing = {k: v for k, v in grants.items() if (k, v) in {("pages", "write"), ("id-token", "write")}}
        assert publishing == ({"pages": "write", "id-token": "write"} if name == "deploy" else {}), name
    deploy, site = jobs["deploy"], jobs["site"]
    assert set(deploy["permissions"]) == {"pages", "id-token"} and deploy["environment"]["name"] == "github-pages"
    assert deploy["needs"] == "site" and "needs.site.outputs.publish == 'true'" in deploy["if"]
    assert [s["uses"].split("@")[0] for s in deploy["steps"]] == ["actions/deploy-pages"]
    assert site["permissions"] == {"contents": "read", "pages": "read"} and site["needs"] == "update"
    assert "!cancelled()" in site["if"] and "!inputs.test_notify" in site["if"]  # a test send publishes nothing


def test_the_site_job_builds_the_documented_command_and_hints_when_pages_is_off() -> None:
    site = load("update.yml")["jobs"]["site"]
    runs = "\n".join(step.get("run", "") for step in site["steps"])
    assert 'python scripts/site.py "$RUNNER_TEMP/site"' in runs
    installs = [step["run"] for step in site["steps"] if "pip" in step.get("run", "")]
    assert installs == ["python -m pip install --require-hashes -r requirements/site.txt"], installs
    check = site["steps"][0]
    assert check["id"] == "pages" and 'gh api "repos/$GITHUB_REPOSITORY/pages"' in check["run"]
    assert 'grep -q "HTTP 404"' in check["run"]  # Pages off (404) is not a failure; see the test below
    hints = [line for line in check["run"].splitlines() if "::notice" in line]
    assert len(hints) == 1 and "Settings → Pages" in hints[0] and "GitHub Actions" in hints[0]
    later = site["steps"][1:]
    assert all(step["if"] == "steps.pages.outputs.publish == 'true'" for step in later)
    upload = later[-1]
    assert upload["uses"].startswith("actions/upload-pages-artifact@") and upload["with"]["path"].endswith("/site")
    readme = "".join((REPO / "docs" / page).read_text() for page in ("site.md", "configuration.md"))
    assert "python scripts/site.py" in readme and "Settings → Pages" in readme and "github.io" in readme


def run_step(script: str, tmp_path, gh_out: str, gh_err: str, gh_status: int, **env: str) -> tuple[int, str, str]:
    """A workflow step's shell script run by bash with a stand-in `gh` (no test may call GitHub)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    gh = bin_dir / "gh"
    gh.write_text(f"#!/bin/sh\n[ \"$1\" = issue ] && {{ echo created; exit 0; }}\n"
                  f"printf '%s' '{gh_out}'\nprintf '%s\\n' '{gh_err}' >&2\nexit {gh_status}\n")
    gh.chmod(0o755)
    output = tmp_path / "output"
    output.write_text("")
    variables = {"PATH": f"{bin_dir}:/usr/bin:/bin", "GITHUB_OUTPUT": str(output), "RUNNER_TEMP": str(tmp_path),
                 "GITHUB_REPOSITORY": "o/r", "GH_REPO": "o/r", "ISSUE": "", **env}
    result = subprocess.run(["bash", "-e", "-c", script], capture_output=True, text=True, env=variables, timeout=30)
    return result.returncode, result.stdout + result.stderr, output.read_text()


@pytest.mark.parametrize("gh_out,gh_err,gh_status,code,publish", [
    ("workflow https://o.github.io/r/", "", 0, 0, "publish=true"),
    ("legacy https://o.github.io/r/", "", 0, 0, "publish=false"),
    ("", "gh: Not Found (HTTP 404)", 1, 0, "publish=false"),
    ("", "gh: Resource not accessible by integration (HTTP 403)", 1, 1, ""),
    ("", "gh: Server Error (HTTP 502)", 1, 1, ""),
])
def test_only_a_404_means_pages_is_off_other_api_failures_fail_the_job(
        gh_out: str, gh_err: str, gh_status: int, code: int, publish: str, tmp_path) -> None:
    check = load("update.yml")["jobs"]["site"]["steps"][0]["run"]
    status, printed, output = run_step(check, tmp_path, gh_out, gh_err, gh_status, DRY_RUN="false")
    assert status == code, printed
    assert (publish in output) if publish else ("publish=" not in output), output
    if code:
        assert gh_err in printed and "::error" in printed and "Settings → Pages" not in printed, printed


@pytest.mark.parametrize("gh_out,gh_err,gh_status,code,opened", [
    ("true", "", 0, 0, True),
    ("false", "", 0, 0, False),
    ("", "gh: Not Found (HTTP 404)", 1, 0, False),
    ("", "gh: Bad credentials (HTTP 401)", 1, 1, False),
    ("", "gh: Server Error (HTTP 500)", 1, 1, False),
])
def test_only_has_issues_false_or_a_404_means_issues_are_off(
        gh_out: str, gh_err: str, gh_status: int, code: int, opened: bool, tmp_path) -> None:
    step = load("update.yml")["jobs"]["notify"]["steps"][0]["run"]
    status, printed, _ = run_step(step, tmp_path, gh_out, gh_err, gh_status)
    assert status == code, printed
    assert ("created" in printed) == opened, printed
    assert ("Issues are turned off" in printed) == (code == 0 and not opened), printed
    if code:
        assert gh_err in printed and "::error" in printed, printed


def test_the_site_is_deployed_whenever_the_site_job_succeeded_even_if_the_update_failed() -> None:
    deploy = load("update.yml")["jobs"]["deploy"]
    condition = deploy["if"].replace(" ", "")
    assert "!cancelled()" in condition and "needs.site.result=='success'" in condition, deploy["if"]
    assert "success()" not in condition
    assert deploy["timeout-minutes"] > 10  # above deploy-pages' own 10-minute timeout


def test_the_update_step_alone_gets_the_mail_secrets_and_the_login_only_from_secrets() -> None:
    from digest import mail

    workflow = load("update.yml")
    step = next(s for s in workflow["jobs"]["update"]["steps"] if "update.py" in s.get("run", ""))
    passed = {k: v for k, v in step["env"].items() if k.startswith(("SMTP_", "MAIL_"))}
    assert set(passed) == set(mail.SECRETS)
    for name, value in passed.items():
        expected = f"${{{{ secrets.{name} }}}}" if name in mail.LOGIN_SECRETS else \
            f"${{{{ secrets.{name} || vars.{name} }}}}"
        assert value == expected, name
    others = [s for job in workflow["jobs"].values() for s in job["steps"] if s is not step]
    assert not [s for s in others if "SMTP_" in str(s) or "MAIL_" in str(s)]


@pytest.mark.parametrize("status,annotation", [(0, None), (1, None), (3, "::warning title=arXiv throttled"),
                                               (4, "::error title=A topic has listed nothing new")])
def test_the_update_step_keeps_the_scripts_status_and_explains_3_and_4(status: int, annotation: str | None,
                                                                       tmp_path) -> None:
    step = next(s for s in load("update.yml")["jobs"]["update"]["steps"] if "scripts/update.py" in s.get("run", ""))
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "python").write_text(f"#!/bin/sh\nexit {status}\n")  # the run itself: a stand-in ending with status
    (bin_dir / "python").chmod(0o755)
    result = subprocess.run(["bash", "-e", "-c", step["run"]], capture_output=True, text=True, timeout=30,
                            env={"PATH": f"{bin_dir}:/usr/bin:/bin", "RUNNER_TEMP": str(tmp_path), "DRY_RUN": "false"})
    assert result.returncode == status
    assert (annotation in result.stdout) if annotation else "::" not in result.stdout, result.stdout


def masked(urls: str) -> list[str]:
    """What the update job's mask step tells GitHub to mask for this NOTIFY_URLS (run by bash -e, as Actions does)."""
    step = next(s for s in load("update.yml")["jobs"]["update"]["steps"] if s.get("name") == "Mask each chat URL")
    assert step["env"]["NOTIFY_URLS"] == "${{ secrets.NOTIFY_URLS }}"
    result = subprocess.run(["bash", "-e", "-c", step["run"]], capture_output=True, text=True, timeout=30,
                            env={"PATH": "/usr/bin:/bin", "NOTIFY_URLS": urls})
    assert result.returncode == 0 and not result.stderr, result.stderr
    assert all(line.startswith("::add-mask::") for line in result.stdout.splitlines()), result.stdout
    return [line.removeprefix("::add-mask::") for line in result.stdout.splitlines()]


def test_the_mask_step_masks_each_url_and_each_token_like_part_of_it() -> None:
    urls = ("discord://4174216298/JHMHI8qBe7bk2ZwO5U711o3dV_js\n"
            "tgram://123456789:AABBccDDeeFF00/-1001234567890  slack://T1JJ3T3L2/A1BRTD4JD/TIiajkdnlazkcOXrIdevi7FQ,"
            "json://someuser:s3cretpassw0rd@127.0.0.1:8080/hook?token=qwertyuiop&format=text;"
            "ntfys://ntfy.sh/my-lab-papers-xyz\n\n")
    masks = masked(urls)
    for url in urls.replace(",", "\n").replace(";", "\n").split():
        assert url in masks
    # what a library prints is another form of the URL: each token in it is masked on its own
    for token in ("4174216298", "JHMHI8qBe7bk2ZwO5U711o3dV_js", "123456789", "AABBccDDeeFF00", "-1001234567890",
                  "T1JJ3T3L2", "A1BRTD4JD", "TIiajkdnlazkcOXrIdevi7FQ", "someuser", "s3cretpassw0rd", "qwertyuiop",
                  "my-lab-papers-xyz"):
        assert token in masks, token
    # short parts (a scheme, a port, a query's name, a word under 8 characters) would mask common text everywhere
    assert not [m for m in masks if len(m) < 8], masks
    assert "token=qwertyuiop" not in masks and "format" not in masks and "text" not in masks


def test_the_mask_step_splits_as_the_script_does_and_masks_any_password_and_escapes_percent() -> None:
    mailto = "mailto://user:shortpw@gmail.com?to=a@x.com,b@y.com"  # a comma inside a URL does not split it
    masks = masked(f"{mailto};json://h/p?x=%25secret%25abc\rdiscord://111/TOKENTOKENTOKEN\r")
    assert mailto in masks and "shortpw" in masks  # a password under 8 characters is still masked
    assert "json://h/p?x=%2525secret%2525abc" in masks  # GitHub reads %25 as %: the mask is of the text as written
    assert "discord://111/TOKENTOKENTOKEN" in masks and "TOKENTOKENTOKEN" in masks  # CR splits, as in the script
    assert masked('json://h/a\'b"c$(id)`id`12345678 -n form://h/*') == [
        "json://h/a'b\"c$(id)`id`12345678", "a'b\"c$(id)`id`12345678", "-n", "form://h/*"]  # no shell runs the text


def test_the_mask_step_prints_nothing_without_the_secret() -> None:
    assert masked("") == [] and masked("  \n ") == []
