"""``modelcollapse explore``: an interactive explorer in the browser.

A small standard-library HTTP server (:mod:`.server`) answers a static page that draws with
Plotly's JavaScript, taken from the ``plotly`` package so the page works offline (extra
``[explore]``). The web layer holds no theory: every curve is ``modelcollapse.predict`` of a
family's configuration, every marker ``modelcollapse.simulate`` of the same configuration,
and every parameter is validated by the library's configuration types.

Views (:data:`.server.VIEWS`): strong model collapse against n and against model size m,
regression chains under data workflows against generation, the Hutter LLM under tail cuts,
narrowing and mixing against T, and your own loss curves with the fitted collapse-aware law.
"""

from .server import VIEWS, ExplorerServer, make_server

__all__ = ["VIEWS", "ExplorerServer", "make_server"]
