"""The results charts: well-formed, accessible, deterministic SVG that shows the data given."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor

import matplotlib
import pytest

from ikzsurvey.results.charts import distribution_chart, ipa_chart, trend_chart

SVG = "{http://www.w3.org/2000/svg}"
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
QUADRANTS = ("Hier ansetzen", "Weiter so", "Geringe Priorität", "Möglicher Overkill")


def german(value: float) -> str:
    return f"{value:.1f}".replace(".", ",")


def parse(svg: bytes) -> ET.Element:
    assert isinstance(svg, bytes)
    root = ET.fromstring(svg)
    assert root.tag.endswith("svg")
    assert not [el for el in root.iter() if el.tag.rsplit("}", 1)[-1] == "script"]
    return root


def texts(root: ET.Element) -> list[str]:
    return ["".join(el.itertext()) for el in root.iter(f"{SVG}text")]


def ids(root: ET.Element, prefix: str) -> set[str]:
    return {el.get("id") for el in root.iter() if el.get("id", "").startswith(prefix)}


def group(root: ET.Element, gid: str) -> ET.Element:
    [found] = [el for el in root.iter(f"{SVG}g") if el.get("id") == gid]
    return found


def marker_shape(root: ET.Element, gid: str) -> str:
    """The path data of the marker a point or line uses (its shape)."""
    href = group(root, gid).find(f".//{SVG}use").get(XLINK_HREF)
    [marker] = [el for el in root.iter(f"{SVG}path") if el.get("id") == href[1:]]
    return marker.get("d")


def distribution(**kwargs) -> bytes:
    return distribution_chart(
        ["Sehr gut", "Gut", "Schlecht"],
        [[40.0, 35.5, None], [45.0, 50.0, 60.0], [15.0, 14.5, 40.0]],
        ["Gesamt", "Altdorf", "Neustadt"],
        title="Wie bewerten Sie die Zusammenarbeit?",
        format_number=german,
        **kwargs,
    )


def ipa(**kwargs) -> bytes:
    points = [("Vertrauen", 4.2, 4.5), ("Kommunikation", 2.5, 4.4),
              ("Ressourcen", 3.1, 2.2), ("Technik", 4.6, 2.9)]
    return ipa_chart(points, x_label="Zufriedenheit", y_label="Wichtigkeit",
                     quadrant_labels=QUADRANTS, title="Wichtigkeit und Zufriedenheit", **kwargs)


def trend() -> bytes:
    return trend_chart(
        ["2024", "2025", "2026"],
        [("Gesamt", [3.5, None, 4.0]), ("Altdorf", [3.2, 3.9, 3.1])],
        y_label="Mittelwert", y_range=(1, 5), title="Zufriedenheit", format_number=german,
    )


def test_distribution_chart_shows_labels_and_locale_formatted_values():
    shown = texts(parse(distribution()))
    for label in ("Wie bewerten Sie die Zusammenarbeit?", "Sehr gut", "Gut", "Schlecht",
                  "Gesamt", "Altdorf", "Neustadt"):
        assert label in shown
    assert "35,5" in shown and "14,5" in shown and "35.5" not in shown


def test_distribution_chart_draws_no_bar_and_no_value_for_a_suppressed_share():
    root = parse(distribution())
    bars = ids(root, "bar-")
    assert len(bars) == 8 and "bar-0-2" not in bars  # 9 cells, one of them None
    assert ids(root, "value-") == {name.replace("bar-", "value-") for name in bars}
    for bar in bars:  # every bar is a drawn shape
        assert group(root, bar).find(f"{SVG}path") is not None


def test_distribution_chart_distinguishes_series_by_hatch_not_only_colour():
    root = parse(distribution())
    styles = [group(root, f"bar-1-{j}").find(f"{SVG}path").get("style") for j in range(3)]
    assert "url(#" not in styles[0]  # the first series is plain
    assert "url(#" in styles[1] and "url(#" in styles[2] and styles[1] != styles[2]
    patterns = [el for el in root.iter(f"{SVG}pattern")]
    assert len(patterns) == 2


def test_distribution_chart_keeps_the_order_of_options_and_series_top_to_bottom():
    root = parse(distribution())

    def y(element: ET.Element) -> float:  # SVG y grows downwards
        return float(element.find(f".//{SVG}text").get("y"))

    labels = {"".join(el.itertext()): float(el.get("y")) for el in root.iter(f"{SVG}text")}
    assert labels["Sehr gut"] < labels["Gut"] < labels["Schlecht"]
    assert y(group(root, "value-1-0")) < y(group(root, "value-1-1")) < y(group(root, "value-1-2"))
    assert y(group(root, "value-0-1")) < y(group(root, "value-1-0"))


def test_distribution_chart_legend_only_for_several_series():
    single = texts(parse(distribution_chart(["Ja", "Nein"], [[70.0], [30.0]], ["Gesamt"],
                                            title="Frage")))
    assert "Gesamt" not in single and "70.0" in single and "30.0" in single
    assert "Gesamt" in texts(parse(distribution()))


def test_distribution_chart_grows_with_the_number_of_bars():
    def height(svg: bytes) -> float:
        return float(parse(svg).get("height").removesuffix("pt"))

    few = distribution_chart(["A"], [[50.0]], ["Gesamt"], title="T")
    many = distribution_chart([f"Option {i}" for i in range(12)], [[50.0, 25.0]] * 12,
                              ["Gesamt", "Altdorf"], title="T")
    assert height(many) > 4 * height(few)


def test_distribution_chart_rejects_shares_of_the_wrong_shape():
    with pytest.raises(ValueError):
        distribution_chart(["A", "B"], [[50.0]], ["Gesamt"], title="T")


def test_ipa_chart_labels_quadrants_and_points():
    shown = texts(parse(ipa()))
    for label in (*QUADRANTS, "Vertrauen", "Kommunikation", "Ressourcen", "Technik",
                  "Zufriedenheit", "Wichtigkeit", "Wichtigkeit und Zufriedenheit"):
        assert label in shown


def test_ipa_chart_marks_each_quadrant_with_its_own_shape():
    root = parse(ipa())  # the cross at the means (3.6, 3.5): every point in its own quadrant
    shapes = {marker_shape(root, f"point-{k}") for k in range(4)}
    assert len(shapes) == 4
    # a cross in the top-right corner puts every point in the bottom-left quadrant
    root = parse(ipa(cross=(4.9, 4.9)))
    assert len({marker_shape(root, f"point-{k}") for k in range(4)}) == 1


def test_trend_chart_labels_every_value_and_breaks_the_line_at_a_gap():
    root = parse(trend())
    shown = texts(root)
    for label in ("2024", "2025", "2026", "Gesamt", "Altdorf", "Mittelwert", "Zufriedenheit"):
        assert label in shown
    for value in ("3,5", "4,0", "3,2", "3,9", "3,1"):
        assert value in shown
    assert ids(root, "value-") == {"value-0-0", "value-2-0", "value-0-1", "value-1-1",
                                   "value-2-1"}
    line = group(root, "line-0").find(f"{SVG}path").get("d")
    assert len(re.findall(r"M ", line)) == 2  # two pieces, nothing drawn across 2025
    assert len(re.findall(r"M ", group(root, "line-1").find(f"{SVG}path").get("d"))) == 1


def test_trend_chart_lines_differ_in_marker_and_line_style():
    root = parse(trend())
    assert marker_shape(root, "line-0") != marker_shape(root, "line-1")
    dashes = [group(root, f"line-{j}").find(f"{SVG}path").get("style") for j in range(2)]
    assert "stroke-dasharray" not in dashes[0] and "stroke-dasharray" in dashes[1]


@pytest.mark.parametrize("chart", [
    lambda: distribution_chart([], [], [], title="Leer", empty_text="Keine Daten"),
    lambda: distribution_chart(["A"], [[None]], ["Gesamt"], title="Leer",
                               empty_text="Keine Daten"),
    lambda: ipa_chart([], x_label="x", y_label="y", quadrant_labels=QUADRANTS, title="Leer",
                      empty_text="Keine Daten"),
    lambda: trend_chart([], [], y_label="y", title="Leer", empty_text="Keine Daten"),
    lambda: trend_chart(["2024"], [("Gesamt", [None])], y_label="y", title="Leer",
                        empty_text="Keine Daten"),
])
def test_empty_input_gives_a_small_chart_that_says_so(chart):
    svg = chart()
    root = parse(svg)
    assert texts(root) == ["Leer", "Keine Daten"]
    assert len(svg) < 3000


def test_a_single_point_is_drawn():
    root = parse(distribution_chart(["Ja"], [[100.0]], ["Gesamt"], title="T",
                                    format_number=german))
    assert ids(root, "bar-") == {"bar-0-0"} and "100,0" in texts(root)
    root = parse(ipa_chart([("Vertrauen", 3.0, 4.0)], x_label="x", y_label="y",
                           quadrant_labels=QUADRANTS, title="T"))
    assert ids(root, "point-") == {"point-0"} and "Vertrauen" in texts(root)
    assert set(QUADRANTS) <= set(texts(root))
    root = parse(trend_chart(["2024"], [("Gesamt", [3.5])], y_label="y", title="T",
                             format_number=german))
    assert ids(root, "value-") == {"value-0-0"} and "3,5" in texts(root)


@pytest.mark.parametrize("chart", [distribution, ipa, trend])
def test_output_is_deterministic_and_keeps_text_as_text(chart):
    first = chart()
    assert chart() == first
    assert b"<text" in first and b"<dc:date>" not in first
    for el in parse(first).iter(f"{SVG}text"):
        style = el.get("style")
        assert "fill: #1a1a1a" in style and "sans-serif" in style
        assert float(re.search(r"font-size: ([\d.]+)px", style).group(1)) >= 10


def test_hostile_labels_stay_text():
    label = "<script>x</script> $x$ & co"
    root = parse(distribution_chart([label], [[10.0]], ["Gesamt"], title=label))
    assert texts(root).count(label) == 2  # title and option, literal (no mathtext either)


def test_rendering_is_thread_safe_and_leaves_global_settings_alone():
    expected = distribution()
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda _: distribution(), range(16)))
    assert all(result == expected for result in results)
    assert matplotlib.rcParams["svg.fonttype"] == matplotlib.rcParamsDefault["svg.fonttype"]
    assert matplotlib.rcParams["svg.hashsalt"] is None
