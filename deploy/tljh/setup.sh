#!/usr/bin/env bash
# The Littlest JupyterHub (TLJH) for a workshop room of the TensorFlow 2 Hands-On course: run as root on the VM,
# once TLJH is installed (https://tljh.jupyter.org, "Installing on your own server"):
#
#   sudo REPO_URL=https://github.com/OWNER/NAME BRANCH=main bash deploy/tljh/setup.sh
#
# It installs the course's packages (binder/requirements.txt: the CPU build of TensorFlow), the course package and
# its Jupyter kernel, and nbgitpuller into the users' environment, then sets each user's limits and the idle culler
# with tljh-config. The limits (MEM_LIMIT, CPU_LIMIT) come from the sizing in docs/INSTRUCTORS.md; the VM's size
# from its table. Learners then open the nbgitpuller link that 'python3 tasks.py hub --link URL' prints: it copies
# the notebooks into their home and never overwrites a notebook they edited.
set -euo pipefail
REPO_URL="${REPO_URL:-https://github.com/tf2-hands-on/tensorflow2-hands-on}"
BRANCH="${BRANCH:-main}"
MEM_LIMIT="${MEM_LIMIT:-2.1G}" # per user: all ten notebooks' measured peak plus TLJH's headroom (docs/INSTRUCTORS.md)
CPU_LIMIT="${CPU_LIMIT:-1}"    # per user: the course's kernel then gives TensorFlow's pools this many threads
USER_ENV="${TLJH_USER_ENV:-/opt/tljh/user}"  # TLJH's environment for the users' servers

"$USER_ENV/bin/python" - <<'PY' || { echo "error: TensorFlow 2.21 and Keras 3.15 need Python 3.11-3.13 in $USER_ENV; install a TLJH whose user environment has one" >&2; exit 1; }
import sys
sys.exit(0 if (3, 11) <= sys.version_info[:2] <= (3, 13) else 1)
PY

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
git clone --quiet --depth 1 --branch "$BRANCH" "$REPO_URL" "$work/course"
"$USER_ENV/bin/pip" install --no-cache-dir -r "$work/course/binder/requirements.txt" "nbgitpuller==1.*"
"$USER_ENV/bin/pip" install --no-cache-dir --no-deps "$work/course"
"$USER_ENV/bin/python" -m tf2_hands_on.kernel install --prefix "$USER_ENV"

tljh-config set limits.memory "$MEM_LIMIT"
tljh-config set limits.cpu "$CPU_LIMIT"
tljh-config set user_environment.default_app jupyterlab
tljh-config set services.cull.timeout 3600   # stop a server idle for an hour (the break is 10 minutes)
tljh-config set services.cull.every 300
tljh-config reload

echo "Done. Learners open the nbgitpuller link that 'python3 tasks.py hub --link https://YOUR-HUB' prints"
echo "(in a clone of $REPO_URL, after 'python3 tasks.py fork' for a fork)."
