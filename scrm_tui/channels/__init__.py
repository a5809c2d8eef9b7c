"""One module (or package) per network; importing this package registers them all in
the network table (core/networks.py). Each registers cheaply: its HTTP code loads when
a source or a sender is first built."""

# isort: skip_file
# The order here is the order networks are listed in (help, errors, the sources table).
from scrm_tui.channels import mastodon  # noqa: F401
from scrm_tui.channels import bluesky  # noqa: F401
from scrm_tui.channels import hackernews  # noqa: F401
from scrm_tui.channels import reddit  # noqa: F401
from scrm_tui.channels import github  # noqa: F401
from scrm_tui.channels import rss  # noqa: F401
from scrm_tui.channels import lemmy  # noqa: F401
from scrm_tui.channels import x  # noqa: F401
