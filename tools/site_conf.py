"""Sphinx configuration of the course website (tools/site.py copies it into the sources as conf.py).

Everything a page needs is served by the site itself: the theme's assets, the search index, and MathJax (from the
sphinx-mathjax-offline package); the launch buttons are plain links to Colab and Binder.
"""

import json
from pathlib import Path

_site = json.loads((Path(__file__).parent / "site.json").read_text(encoding="utf-8"))

project = "TensorFlow 2 Hands-On"
author = "The TensorFlow 2 Hands-On authors"
copyright = "the TensorFlow 2 Hands-On authors, MIT licence"
extensions = ["myst_nb", "sphinx-mathjax-offline"]  # the second serves MathJax from _static/mathjax
exclude_patterns = ["_build", "**/.ipynb_checkpoints"]

# The notebooks arrive executed (tools/site.py): never run them here.
nb_execution_mode = "off"
nb_merge_streams = True
myst_enable_extensions = ["dollarmath", "colon_fence"]
myst_heading_anchors = 3

html_theme = "sphinx_book_theme"
html_title = project
html_favicon = "favicon.svg"
html_copy_source = True  # the download button offers the executed .ipynb
html_last_updated_fmt = ""
html_theme_options = {
    "repository_url": f"https://github.com/{_site['repository']}",
    "repository_branch": _site["branch"],
    "path_to_docs": "",  # a page's source path (notebooks/NN_name.ipynb) is the notebook's path in the repository
    "use_repository_button": True,
    "use_download_button": True,
    "use_fullscreen_button": False,
    "launch_buttons": {
        "colab_url": "https://colab.research.google.com",
        "binderhub_url": "https://mybinder.org",
        "notebook_interface": "jupyterlab",
    },
    "show_toc_level": 2,
}
# The theme's light/dark mode: light, since the notebooks' plots are drawn on white (and the theme logs a console
# error when no default is given).
html_context = {"default_mode": "light"}
