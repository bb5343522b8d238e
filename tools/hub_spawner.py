"""The local workshop hub's spawner (``python3 tasks.py hub``): each learner's server in its own home, with the
course synced in and the learner's memory and CPU limits enforced. Imported by the hub's generated configuration
only, inside JupyterHub's process (it needs the ``jupyterhub`` package: requirements-hub.txt).
"""

from __future__ import annotations

import os

from jupyterhub.spawner import SimpleLocalProcessSpawner
from traitlets import Unicode

from tools import hub


class CourseSpawner(SimpleLocalProcessSpawner):
    """JupyterHub's local spawner for a test or a one-machine room, plus:

    * before each start, the course is pulled into ``~/tf2-hands-on-course`` (:func:`tools.hub.sync_course`: a
      learner's edited file is kept, everything else is updated);
    * the server joins a cgroup v1 of its own (memory limit and CPU quota from ``mem_limit`` and ``cpu_limit``)
      before it starts Python, so its kernels and their children are held to the same limits; when it stops, whatever
      is left in that cgroup is killed and the cgroup removed. Without writable cgroups (not root) the limits are only
      advertised (``MEM_LIMIT``/``CPU_LIMIT``), as JupyterHub's own local spawners do.
    """

    course_source = Unicode(str(hub.ROOT), config=True, help="the project folder whose course files are pulled")
    cgroup_parent = Unicode("", config=True, help="cgroup name under each controller's root ('' : no cgroups)")

    def _cgroup(self) -> hub.Cgroup | None:
        return hub.Cgroup(f"{self.cgroup_parent}/{self.user.name}") if self.cgroup_parent else None

    def user_env(self, env):
        env = super().user_env(env)
        env["PYTHONPATH"] = str(hub.course_dir(self.home_dir))  # the learner's copy of the package, as pulled
        return env

    async def start(self):
        changes = hub.sync_course(hub.course_files(self.course_source), hub.course_dir(self.home_dir))
        self.log.info("course pulled for %s: %s", self.user.name, {k: len(v) for k, v in changes.items()})
        group = self._cgroup()
        if group is not None:
            group.create(memory_bytes=self.mem_limit, cpus=self.cpu_limit)
        return await super().start()

    def make_preexec_fn(self, name):
        preexec, group = super().make_preexec_fn(name), self._cgroup()

        def join_then_preexec():
            if group is not None:
                group.join(os.getpid())  # before Python starts: every process the server starts inherits it
            preexec()

        return join_then_preexec

    async def stop(self, now=False):
        try:
            await super().stop(now=now)
        finally:
            group = self._cgroup()
            if group is not None:
                group.kill_and_remove()
