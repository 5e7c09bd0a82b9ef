"""How the workbook's dashboards are served: Voila's configuration, one file.

``workbook serve`` starts Voila with this folder as its only configuration path
(``--Voila.config_file_paths``), so no personal ``~/.jupyter/voila.*`` file mixes in.
Command-line options still win over this file (the tests use that for short timeouts).

View mode is decided here, by how the notebooks are served, and nowhere else: every
kernel gets WORKBOOK_READ_ONLY=1 from ``DashboardKernelManager.kernel_env``; a viewer's
URL (query string, headers) cannot change a kernel's environment variables.
"""

import json
import os

from workbook.display.headers import SECURITY_HEADERS
from workbook.serve import widgets
from workbook.serve.server import READY_ENV, page_config
from workbook.steps import registry

c = get_config()  # noqa: F821 - provided by traitlets when it loads this file

# --- View mode ------------------------------------------------------------------------
# Every kernel (pre-heated or started on demand) is started by this manager, which puts
# these variables over the server's own environment. Read-only: forms show static
# tables without private fields, nothing is saved, the plan file is opened mode=ro.
c.VoilaConfiguration.multi_kernel_manager_class = "workbook.serve.server.DashboardKernelManager"
c.DashboardKernelManager.kernel_env = {"WORKBOOK_READ_ONLY": "1"}

# --- Show results, never code or errors -----------------------------------------------
c.VoilaConfiguration.strip_sources = True  # no code cells in the page
# A failing cell shows a generic message, not the traceback or the error's text, and
# Voila stops the page there; the server's log has the details.
c.VoilaConfiguration.show_tracebacks = False
c.VoilaExecutor.show_tracebacks = False
c.VoilaExecutor.cell_error_instruction = (
    "This part of the dashboard could not be shown. The person running the server will find "
    "the reason in its log."
)
# The same for errors raised later, in a widget's callback, sent over the websocket.
c.MappingKernelManager.allow_tracebacks = False
c.MappingKernelManager.traceback_replacement_message = (
    "This view could not be updated. The person running the server will find the reason in its log."
)

# --- The page ---------------------------------------------------------------------------
# Our template (workbook/display/templates/jupyter/voila/templates/workbook): Voila's lab page
# without CDN stylesheets, and an index of the steps. Viewers cannot pick another
# template or theme with ?template= or ?theme= (another template would load a CDN).
c.VoilaConfiguration.template = "workbook"
c.VoilaConfiguration.theme = "light"
c.VoilaConfiguration.allow_template_override = "NO"
c.VoilaConfiguration.allow_theme_override = "NO"
# The index is our jinja page, not JupyterLab's file browser (which would fetch the
# folder listing from /voila/api/contents and offer a download menu).
c.VoilaConfiguration.classic_tree = True
# The index names each step by its title (Voila calls this for every page it makes).
c.VoilaConfiguration.page_config_hook = page_config

# The widgets front end built for Voila's own JupyterLab (workbook/serve/widgets.py),
# looked at before the environment's, when installed: no version warnings on every page.
c.VoilaConfiguration.extra_labextensions_path = [str(p) for p in widgets.labextensions()]

# --- No file downloads ------------------------------------------------------------------
# /voila/files/ serves files next to the notebooks when a path matches the allow list and
# not the deny list: nothing matches an empty allow list, and everything the deny list.
# Notebook sources, the plan, data files and Python files are never sent. (The notebooks
# folder Voila sees is a private copy holding only the step notebooks.)
c.VoilaConfiguration.file_allowlist = []
c.VoilaConfiguration.file_denylist = [r".*"]
c.VoilaConfiguration.extension_language_mapping = {}  # only .ipynb files are rendered

# --- Kernels ------------------------------------------------------------------------------
# Pre-heated: for every step notebook, one kernel has already run the notebook when a
# viewer arrives, so the page comes at once. Needs the parameters fixed at server start
# (environment). A new one is started for the next viewer once no viewer has taken a
# kernel for refill_after seconds, one kernel at a time (workbook.serve.server's
# _paced_pools): a crowd's pages are not slowed down by kernels running the notebook.
c.VoilaConfiguration.preheat_kernel = True
c.VoilaConfiguration.default_pool_size = 1
c.DashboardKernelManager.refill_after = 5.0
c.DashboardKernelManager.refill_wait_most = 60.0
# `workbook serve --ready 2=20` keeps more kernels of a step ready, for an audience that
# opens the link at the same moment; the kernel limit grows to leave them room.
_ready = json.loads(os.environ.get(READY_ENV) or "{}")
c.VoilaKernelManager.kernel_pools_config = {
    "default": {"pool_size": 1},
    **{notebook: {"pool_size": count} for notebook, count in _ready.items()},
}
_extra_kernels = sum(count - 1 for count in _ready.values())

# A page asks the server to shut its kernel down when the viewer leaves it (workbook.serve
# makes sure the page has the cookie that request needs). When that request never comes
# (a browser that crashed or lost the network, a tab left open), idle kernels are culled:
# checked every cull_interval seconds, shut down after cull_idle_timeout seconds without
# activity, also when a page is still open (cull_connected): that page keeps what it
# shows, but its choosers no longer redraw. Pre-heated kernels waiting in the pool are
# never culled.
c.MappingKernelManager.cull_idle_timeout = 1800
c.MappingKernelManager.cull_interval = 60
c.MappingKernelManager.cull_connected = True
c.MappingKernelManager.cull_busy = False
# A kernel that no page ever connected to (a link preview, a crawler, a script fetching
# the page) goes after two idle minutes, not thirty; and no more than max_kernels run at
# once: past that, such kernels are shut down at once, and a viewer who still finds none
# free is told the server is busy (HTTP 503) rather than the machine running out of memory.
c.DashboardKernelManager.never_connected_timeout = 120
# The limit counts the waiting kernels too: one per step (and any --ready asks for), so
# that 16 viewers can still have a kernel of their own however many steps there are.
c.DashboardKernelManager.max_kernels = len(registry.STEPS) + 16 + 2 * _extra_kernels

# Kernels talk to the server over local socket files, not TCP ports: kernels started at
# the same moment cannot pick the same port.
c.KernelManager.transport = "ipc"

# A cell running longer than this is stopped (and the page says so) instead of hanging.
c.VoilaExecutor.timeout = 300

# --- Server ---------------------------------------------------------------------------------
# The port asked for, or an error: never another port the viewer was not told about.
c.Voila.port_retries = 0
# Browsers may draw charts and widgets from this server only (no outside host), open
# websockets to this server only ({host} is the host the viewer asked for), and the page
# cannot be framed by another site. Every response carries these headers, error pages
# included (workbook.serve.server adds them to tornado's own 403 and 404 pages too). The
# set lives in workbook/display/headers.py: the workshop's ballot pages carry it too.
c.Voila.tornado_settings = {"headers": dict(SECURITY_HEADERS)}
