"""Rendering an import's bodies in worker processes while the previous batch is written (:class:`Renderer`)."""

import collections
import multiprocessing
import signal
from concurrent.futures import BrokenExecutor, Future, ProcessPoolExecutor

from blog import markdown
from blog.models import Post
from jekyll.items import Item

# Bodies per task sent to a worker: fewer round trips, results still arriving soon.
RENDER_CHUNK = 8


class Renderer:
    """Renders bodies in worker processes, started on the first task; with ``workers`` below 2, here.

    This process renders too while it would otherwise wait: it takes back the last task no worker has
    started yet (at the start, while the workers are still starting; at the end, the last few).
    """

    def __init__(self, workers: int):
        self.pool = None
        # Tasks sent, oldest first, that no worker may have started yet, with their items.
        self.unstarted: collections.deque[tuple[Future, list[Item]]] = collections.deque()
        if workers > 1:
            self.pool = ProcessPoolExecutor(
                max_workers=workers,
                # Named, not left to the platform (Python 3.14 changes Linux's default): spawned workers start
                # clean and import blog.markdown, which has no Django in it; they share nothing with this
                # process, its database connection least of all.
                mp_context=multiprocessing.get_context("spawn"),
                # Ctrl-C is this process's to handle; workers just stop when it shuts the pool down.
                initializer=signal.signal,
                initargs=(signal.SIGINT, signal.SIG_IGN),
            )

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)

    def start(self, items: list[Item]) -> None:
        """Send the items' bodies to the workers; without workers they are rendered when asked for."""
        if self.pool is None:
            return
        # Workers take tasks in the order sent: those at the front that have started are no longer ours to take.
        while self.unstarted and (self.unstarted[0][0].running() or self.unstarted[0][0].done()):
            self.unstarted.popleft()
        for first in range(0, len(items), RENDER_CHUNK):
            chunk = items[first : first + RENDER_CHUNK]
            try:
                task = self.pool.submit(markdown.render_posts, [_body(item) for item in chunk])
            except BrokenExecutor:  # a worker died: render here from now on
                self.pool = None
                return
            self.unstarted.append((task, chunk))
            for position, item in enumerate(chunk):
                item.rendering, item.position = task, position

    def rendered(self, item: Item) -> markdown.Rendered:
        """The item's body rendered, by a worker or here, once however often it is asked for (a batch whose new
        posts could not be written together writes them again one by one). Raises what rendering it raised."""
        while item.rendering is not None and not item.rendering.done() and self._take_back():
            pass
        result = None
        if item.rendering is not None:
            try:
                result = item.rendering.result()[item.position]
            except Exception:  # the pool broke (not this body): rendering here gives the file its own outcome
                result = None
        if result is None:
            item.rendering, item.position = _done(markdown.render_posts([_body(item)])), 0
            result = item.rendering.result()[0]
        if isinstance(result, Exception):
            raise result
        return result

    def _take_back(self) -> bool:
        """Render here the last task sent that no worker has started: True if there was one."""
        while self.unstarted:
            task, chunk = self.unstarted.pop()
            if task.cancel():
                here = _done(markdown.render_posts([_body(item) for item in chunk]))
                for item in chunk:
                    item.rendering = here
                return True
            self.unstarted.clear()  # a worker started it, so every task sent before it has started too
        return False


def _done(results: list[markdown.Rendered | Exception]) -> Future:
    """Results rendered here, kept as a worker's task keeps them."""
    task: Future = Future()
    task.set_result(results)
    return task


def _body(item: Item) -> tuple[str, bool]:
    """What rendering needs: the body, and whether it is HTML."""
    return item.parsed.body, item.parsed.body_format == Post.Format.HTML
