"""GOV.UK Frontend's stylesheet, built by the set-up with system fonts and served by the node.

GDS Transport is licensed only for services on gov.uk, so no page may use it or fetch its files.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from singleview.web.frontend import (
    PROJECT,
    STYLESHEET,
    STYLESHEET_SOURCE,
    FrontendMissingError,
    govuk_frontend_dist,
    govuk_stylesheet,
    node_modules,
)

FONT_FILE = re.compile(r"\.(woff2?|ttf|otf|eot)\b", re.IGNORECASE)


def assert_no_licensed_font(css: str) -> None:
    """The stylesheet names no GDS Transport, declares no web font and points at no font file."""
    assert "GDS Transport" not in css
    assert "@font-face" not in css
    assert "/fonts/" not in css
    assert not FONT_FILE.search(css)


def test_pages_use_the_stylesheet_built_with_system_fonts(client: TestClient) -> None:
    page = client.get("/sign-in")
    assert 'href="/static/govuk/govuk-frontend.css"' in page.text
    assert "govuk-frontend.min.css" not in page.text
    served = client.get("/static/govuk/govuk-frontend.css")
    assert served.status_code == 200
    assert served.headers["content-type"].startswith("text/css")
    assert_no_licensed_font(served.text)
    assert 'font-family:-apple-system,BlinkMacSystemFont,"Segoe UI",Roboto' in served.text
    # Still GOV.UK Frontend: its components are all there.
    for component in (".govuk-header", ".govuk-error-summary", ".govuk-summary-list"):
        assert component in served.text


def test_the_package_s_own_stylesheet_and_font_files_are_not_served(client: TestClient) -> None:
    assert client.get("/static/govuk/govuk-frontend.min.css").status_code == 404
    fonts = sorted((govuk_frontend_dist() / "assets" / "fonts").iterdir())
    assert fonts, "GOV.UK Frontend ships its fonts in dist/govuk/assets/fonts"
    for font in fonts:
        assert client.get(f"/assets/fonts/{font.name}").status_code == 404, font.name
        assert client.get(f"/static/govuk/assets/fonts/{font.name}").status_code == 404
    # What the pages do need is there: the script, and every image the stylesheet points at.
    script = client.get("/static/govuk/govuk-frontend.min.js")
    assert script.status_code == 200
    assert script.headers["content-type"].startswith("text/javascript")
    css = client.get("/static/govuk/govuk-frontend.css").text
    images = set(re.findall(r"url\(\"?([^\")]+)\"?\)", css))
    assert images
    for image in images:
        assert client.get(image).status_code == 200, image


def fake_project(root: Path) -> tuple[Path, Path]:
    """A project folder with the stylesheet's inputs, and its node_modules folder."""
    (root / STYLESHEET_SOURCE).parent.mkdir(parents=True)
    (root / STYLESHEET_SOURCE).write_text("// source\n")
    (root / "package.json").write_text("{}\n")
    modules = root / "node_modules"
    modules.mkdir()
    (modules / ".package-lock.json").write_text("{}\n")
    return root, modules


def age(path: Path, seconds: float) -> None:
    """Make ``path`` look ``seconds`` older than now."""
    stat = path.stat()
    os.utime(path, (stat.st_atime - seconds, stat.st_mtime - seconds))


def test_a_missing_stylesheet_is_an_error_that_says_how_to_build_it(tmp_path: Path) -> None:
    project, modules = fake_project(tmp_path)
    with pytest.raises(FrontendMissingError, match=r"govuk-frontend\.css: .*not built.*bootstrap"):
        govuk_stylesheet(project, modules)
    built = project / STYLESHEET
    built.parent.mkdir(parents=True)
    built.write_text("body{}\n")
    assert govuk_stylesheet(project, modules) == built


@pytest.mark.parametrize(
    "changed", [str(STYLESHEET_SOURCE), "package.json", "node_modules/.package-lock.json"]
)
def test_a_stylesheet_older_than_its_inputs_is_an_error(tmp_path: Path, changed: str) -> None:
    project, modules = fake_project(tmp_path)
    built = project / STYLESHEET
    built.parent.mkdir(parents=True)
    built.write_text("body{}\n")
    for source in (
        project / STYLESHEET_SOURCE,
        project / "package.json",
        modules / ".package-lock.json",
    ):
        age(source, 60)
    assert govuk_stylesheet(project, modules) == built
    (project / changed).write_text("changed\n")
    with pytest.raises(FrontendMissingError, match=f"older than .*{re.escape(changed)}"):
        govuk_stylesheet(project, modules)


def build_in(folder: Path, source: str) -> subprocess.CompletedProcess[str]:
    """Run ``npm run build:css`` (what scripts/bootstrap.sh runs) in a copy of the project's
    build inputs in ``folder``, with ``source`` as the Sass source."""
    npm = shutil.which("npm")
    assert npm, "npm is installed by scripts/bootstrap.sh"
    (folder / STYLESHEET_SOURCE).parent.mkdir(parents=True)
    (folder / STYLESHEET_SOURCE).write_text(source)
    shutil.copyfile(PROJECT / "package.json", folder / "package.json")
    (folder / "node_modules").symlink_to(node_modules())
    return subprocess.run(
        [npm, "run", "--silent", "build:css"],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_set_up_s_build_script_makes_it_from_a_clean_folder(tmp_path: Path) -> None:
    finished = build_in(tmp_path, (PROJECT / STYLESHEET_SOURCE).read_text())
    assert finished.returncode == 0, finished.stderr
    css = (tmp_path / STYLESHEET).read_text()
    assert_no_licensed_font(css)
    assert ".govuk-button" in css
    assert govuk_stylesheet(tmp_path, tmp_path / "node_modules") == tmp_path / STYLESHEET


def test_a_sass_error_fails_the_build_and_leaves_no_stylesheet(tmp_path: Path) -> None:
    """A failed build must not leave a file the set-up would then take as up to date."""
    (tmp_path / STYLESHEET).parent.mkdir(parents=True)
    (tmp_path / STYLESHEET).write_text("body{}\n")
    finished = build_in(tmp_path, '@use "govuk-frontend/dist/no-such-file";\n')
    assert finished.returncode != 0
    assert "no-such-file" in finished.stderr
    assert not (tmp_path / STYLESHEET).exists()
