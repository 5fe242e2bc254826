"""Layout shifts a page has had since it started loading, with the elements that moved.

A bare total ("0.003") says that something moved, not what: each shift here keeps its sources, the
element and where it was and went, so a failure names the culprit.
"""

# ``buffered`` hands over the shifts recorded before the observer existed (from the first paint on);
# the wait lets one still pending (a late style, a picture decoding) arrive. ``hadRecentInput`` shifts
# follow the reader's own click or key and are not the page's fault.
_SHIFTS = """(settle) => new Promise((resolve) => {
  const shifts = [];
  const rect = (r) => r && [Math.round(r.x), Math.round(r.y), Math.round(r.width), Math.round(r.height)];
  const describe = (node) => {
    if (!node) return "(removed node)";
    if (node.nodeType !== Node.ELEMENT_NODE) return `#${node.nodeName} in ${describe(node.parentElement)}`;
    const classes = node.classList.length ? "." + Array.from(node.classList).join(".") : "";
    const text = (node.textContent || "").trim().replace(/\\s+/g, " ").slice(0, 40);
    return `<${node.localName}${node.id ? "#" + node.id : ""}${classes}>` + (text ? ` "${text}"` : "");
  };
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      if (entry.hadRecentInput) continue;
      shifts.push({
        value: entry.value,
        at_ms: Math.round(entry.startTime),
        sources: (entry.sources || []).map((source) => ({
          node: describe(source.node),
          before: rect(source.previousRect),
          after: rect(source.currentRect),
        })),
      });
    }
  }).observe({type: "layout-shift", buffered: true});
  setTimeout(() => resolve(shifts), settle);
})"""


def layout_shifts(page, *, settle_ms: int = 500) -> list[dict]:
    """Every unprovoked layout shift of ``page`` so far: value, time and the moved elements' rects (x, y, w, h)."""
    return page.evaluate(_SHIFTS, settle_ms)


def describe_shifts(shifts: list[dict]) -> str:
    """The shifts as lines a failing assertion can show: total, then each shift and what moved."""
    lines = [f"cumulative layout shift {sum(shift['value'] for shift in shifts):.4f}"]
    for shift in shifts:
        lines.append(f"  {shift['value']:.4f} at {shift['at_ms']} ms:")
        lines.extend(f"    {s['node']} {s['before']} -> {s['after']}" for s in shift["sources"])
    return "\n".join(lines)
