"""Pages as HTML: the templates (Jinja2, autoescaped) with what every page shows (links to the
home page and the other language, the dataset's citation), and the static assets."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kgtool.web.site.model import SiteModel

CHROMES_KEPT = 1_000  # pages' shared parts remembered (one per language, depth and citation)

if TYPE_CHECKING:
    from jinja2 import Environment, Template
    from markupsafe import Markup

    from kgtool.version import DatasetVersion


def jinja_env() -> Environment:
    """Jinja2 with autoescaping on for every template."""
    from jinja2 import Environment, PackageLoader, StrictUndefined

    from kgtool.web.site import fragments, i18n

    env = Environment(
        loader=PackageLoader("kgtool.web", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        auto_reload=False,  # the templates are the package's: no stat of each on every page
    )
    env.globals.update(
        count=i18n.count,
        number=i18n.number,
        size=i18n.size,
        column_breaks=i18n.column_breaks,
        query_summary=i18n.query_summary,
        role_count=i18n.role_count,
        **fragments.GLOBALS,
    )
    return env


class Renderer:
    """Renders a page's template in one language of the site under ``base``."""

    def __init__(self, base: str, dataset: DatasetVersion) -> None:
        self.base = base
        self.dataset = dataset
        self.env = jinja_env()
        self._chromes: dict[tuple, dict[str, Markup]] = {}
        self._templates: dict[str, Template] = {}  # (the package's: never reloaded)

    def chrome(self, lang: str, root: str, home: str, citation: str) -> dict[str, Markup]:
        """The parts of ``base.html`` every page of ``lang`` at one folder depth shares
        (``chrome.html``: stylesheet links, navigation, footer), rendered once each."""
        key = (lang, root, home, citation)
        found = self._chromes.get(key)
        if found is None:
            from kgtool.web.site.fragments import texts

            if len(self._chromes) > CHROMES_KEPT:
                self._chromes.clear()
            parts, t = self.env.get_template("chrome.html").module, texts(lang)
            found = self._chromes[key] = {
                "head": parts.head(root),
                "nav": parts.nav(t, home),
                "footer": parts.footer(t, home, root, self.dataset, citation),
            }
        return found

    def render(
        self,
        template: str,
        here: str,
        lang: str = "sv",
        page: str | None = None,
        content: bool = True,
        **context,
    ) -> str:
        """Render ``template`` for the page at ``here`` (its path in the Swedish site), or at
        ``page`` when one path serves both languages (``api/<name>``). The citation names the
        hash of the files unless not ``content`` (resource pages: each shows its own
        resource, and an incremental publish renders only those whose data changed)."""
        from kgtool.web.site.fragments import texts
        from kgtool.web.site.i18n import PREFIX

        page = PREFIX[lang] + here if page is None else page
        root = SiteModel.relative("", page)
        home = SiteModel.relative(PREFIX[lang], page)
        alternates = {code: SiteModel.relative(PREFIX[code] + here, page) for code in PREFIX}
        citation = self.dataset.citation(self.base + "dataset", lang, content)
        found = self._templates.get(template)
        if found is None:
            found = self._templates[template] = self.env.get_template(template)
            # one dict rather than Jinja's chain of two: a page's context copies it (twice)
            found.globals = dict(found.globals)
        return found.render(
            root=root,
            home=home,
            rdf_dir=SiteModel.relative(here, page).removeprefix("./"),
            lang=lang,
            t=texts(lang),
            alternates=alternates,
            dataset=self.dataset,
            citation=citation,
            chrome=self.chrome(lang, root, home, citation),
            **context,
        )


def static_files() -> dict[str, bytes]:
    """Relative path → bytes of the stylesheet, scripts and the vendored YASGUI."""
    from importlib.resources import files

    out: dict[str, bytes] = {}
    root = files("kgtool.web") / "static"

    def walk(folder, prefix: str) -> None:
        for entry in sorted(folder.iterdir(), key=lambda e: e.name):
            if entry.is_dir():
                walk(entry, prefix + entry.name + "/")
            elif not entry.name.startswith("."):
                out["static/" + prefix + entry.name] = entry.read_bytes()

    walk(root, "")
    return out
