"""Charts: well-formed, accessible SVG and the same numbers as a table (hand-made inputs)."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

import pytest

from sozialplan.indicators.charts import Bar, BarChart, LineChart, Point, ReferenceLine, Series
from sozialplan.indicators.charts_profile import AgePyramid, PyramidBand, SpineChart, SpineRow
from sozialplan.indicators.compute import IndicatorValue
from sozialplan.indicators.numbers import format_number
from sozialplan.indicators.svg import decimal_year, nice_ticks, tick_decimals

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)  # noqa: S314 - our own markup, the point of the test
    assert root.tag == f"{SVG}svg"
    return root


def texts(root: ET.Element) -> list[str]:
    return [node.text or "" for node in root.iter(f"{SVG}text")]


def assert_accessible(root: ET.Element, title: str) -> None:
    ident = root.get("id")
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == f"{ident}-title {ident}-desc"
    assert root.find(f"{SVG}title").text == title  # type: ignore[union-attr]
    assert root.find(f"{SVG}desc").text  # type: ignore[union-attr]
    assert "style" not in root.attrib  # CSP: no style attributes anywhere
    assert all("style" not in node.attrib for node in root.iter())


def bar_chart() -> BarChart:
    return BarChart(
        ident="bars",
        title="Anteil <65+> & mehr",
        description="Balken",
        value_label="Anteil (%)",
        bars=(
            Bar("a", "Eisfeld, Stadt", 12.5, "12,5", "#ffffcc"),
            Bar("b", "Auengrund", None, "< 3", note="klein"),
            Bar("c", "Veilsdorf", -3.25, "−3,3", "#253494"),
        ),
        references=(ReferenceLine("Kreis", 10.0, "10,0"), ReferenceLine("Land", 11.0, "11,0")),
    )


def test_it_renders_a_bar_chart_as_accessible_svg_with_escaped_texts() -> None:
    chart = bar_chart()
    svg = chart.svg()
    assert "<65+> &" not in svg
    root = parse(svg)
    assert_accessible(root, "Anteil <65+> & mehr")
    shown = texts(root)
    assert {"Eisfeld, Stadt", "12,5", "Auengrund", "< 3", "Veilsdorf", "−3,3"} <= set(shown)
    assert "Kreis: 10,0" in shown and "Land: 11,0" in shown


def test_it_sorts_bars_by_value_with_missing_values_last_and_keys_for_linking() -> None:
    root = parse(bar_chart().svg())
    keys = [g.get("data-key") for g in root.iter(f"{SVG}g") if g.get("class") == "ind-bar"]
    assert keys == ["a", "c", "b"]
    fills = [r.get("fill") for r in root.iter(f"{SVG}rect") if r.get("class") == "ind-bar__rect"]
    assert fills == ["#ffffcc", "#253494"]


def test_it_gives_the_bar_chart_as_table_with_the_same_numbers() -> None:
    table = bar_chart().table()
    assert table.caption == "Anteil <65+> & mehr"
    assert table.columns == ("Gebiet", "Anteil (%)", "Hinweis")
    assert table.rows == (
        ("Eisfeld, Stadt", "12,5", ""),
        ("Veilsdorf", "−3,3", ""),
        ("Auengrund", "< 3", "klein"),
        ("Kreis", "10,0", "Vergleichswert"),
        ("Land", "11,0", "Vergleichswert"),
    )


def test_it_draws_a_chart_without_any_value() -> None:
    chart = BarChart("empty", "Leer", "Nichts", "Wert", (Bar("a", "Grub", None, "–"),))
    assert "–" in texts(parse(chart.svg()))


def projection_chart() -> LineChart:
    observed = Series(
        "beobachtet",
        (
            Point(decimal_year(dt.date(2018, 12, 31)), "31.12.2018", 63553.0, "63.553"),
            Point(decimal_year(dt.date(2022, 5, 15)), "15.05.2022", 61411.0, "61.411"),
        ),
    )
    projected = Series("Variante G2L2W1", (Point(decimal_year(dt.date(2030, 12, 31)), "2030", 58000.0, "58.000"),))
    return LineChart(
        ident="line",
        title="Bevölkerung",
        description="Linie",
        value_label="Personen",
        series=(observed, projected),
        highlight=((decimal_year(dt.date(2030, 12, 31)), "2030"),),
        x_label="Stichtag",
        highlight_note="Planungshorizont",
    )


def test_it_renders_a_time_series_with_years_of_the_stichtag_and_the_plan_horizon() -> None:
    root = parse(projection_chart().svg())
    assert_accessible(root, "Bevölkerung")
    shown = texts(root)
    # 31.12.2018 is labelled 2018 (the year of the Stichtag), not 2019.
    assert {"2018", "2022", "2030", "beobachtet", "Variante G2L2W1", "Planungshorizont"} <= set(shown)
    assert "2019" not in shown
    paths = list(root.iter(f"{SVG}path"))
    assert len(paths) == 1 and paths[0].get("d", "").startswith("M")


def test_it_gives_the_time_series_as_table_with_the_plan_horizon_marked() -> None:
    table = projection_chart().table()
    assert table.columns == ("Stichtag", "beobachtet", "Variante G2L2W1")
    assert table.rows == (
        ("31.12.2018", "63.553", ""),
        ("15.05.2022", "61.411", ""),
        ("2030 (Planungshorizont)", "", "58.000"),
    )


def spine() -> SpineChart:
    rows = (
        SpineRow(
            "anteil_65_plus", "Anteil ab 65", "%", 25.0, 27.0, 20.0, 24.0, 28.0, 33.0,
            ("25,0", "27,0", "20,0", "24,0", "28,0", "33,0"), "niedriger", "#c6dbef", period="15.05.2022",
        ),
        SpineRow(
            "bevoelkerung", "Bevölkerung", "Personen", 61411.0, None, None, None, None, None,
            ("61.411", "–", "–", "–", "–", "–"), "nicht verglichen", draw=False,
        ),
    )  # fmt: skip
    return SpineChart("spine", "Spine", "Zeilen", "Eisfeld", "Kreis", "Gemeinden des Kreises", rows)


def test_it_renders_a_spine_chart_with_a_marker_only_where_a_row_is_drawn() -> None:
    root = parse(spine().svg())
    assert_accessible(root, "Spine")
    markers = [c for c in root.iter(f"{SVG}circle") if c.get("fill") == "#c6dbef"]
    assert len(markers) == 1
    assert {"25,0", "niedriger", "61.411", "nicht verglichen"} <= set(texts(root))


def test_it_centres_the_spine_on_the_comparator() -> None:
    root = parse(spine().svg())
    (marker,) = [c for c in root.iter(f"{SVG}circle") if c.get("fill") == "#c6dbef"]
    lines = [ln for ln in root.iter(f"{SVG}line") if ln.get("y1") != "6"]  # not the legend's line
    centre = float(lines[0].get("x1", "0"))
    assert centre == pytest.approx(280 + 10 + SpineChart.PLOT_WIDTH / 2)
    # The value 25 lies 2 below the centre 27; the farthest point, the minimum 20, 7 below: 2/7 of the half width.
    half = SpineChart.PLOT_WIDTH / 2 - 8
    assert float(marker.get("cx", "0")) == pytest.approx(centre - half * 2 / 7, abs=0.1)


def test_it_gives_the_spine_chart_as_table_with_the_stichtag_of_each_row() -> None:
    table = spine().table()
    assert table.columns[:3] == ("Kennzahl", "Eisfeld", "Kreis")
    assert table.columns[-2:] == ("Vergleich mit Kreis", "Stichtag")
    row = ("Anteil ab 65 (%)", "25,0", "27,0", "20,0", "24,0", "28,0", "33,0", "niedriger", "15.05.2022")
    assert table.rows[0] == row


def test_it_draws_the_short_comparison_in_the_spine_and_the_full_one_in_the_table() -> None:
    row = SpineRow(
        "anteil_65_plus", "Anteil ab 65", "%", 25.0, 27.0, None, None, None, None,
        ("25,0", "27,0", "–", "–", "–", "–"), "niedriger (Schätzung: Vergleich ohne Signifikanzaussage)",
        comparison_short="niedriger (Schätzung)",
    )  # fmt: skip
    chart = SpineChart("spine", "Spine", "Zeilen", "Eisfeld", "Kreis", "Gemeinden des Kreises", (row,))
    assert "niedriger (Schätzung)" in texts(parse(chart.svg()))
    assert chart.table().rows[0][-2] == "niedriger (Schätzung: Vergleich ohne Signifikanzaussage)"


def test_it_draws_estimates_in_their_own_style_whatever_their_position() -> None:
    point = Point(decimal_year(dt.date(2022, 5, 15)), "15.05.2022", 24.1, "24,1")
    later = Point(decimal_year(dt.date(2023, 12, 31)), "31.12.2023", 24.9, "24,9")
    estimated = Series("geschätzt", (point, later), kind="estimate")
    chart = LineChart("est", "Anteil ab 65", "Linie", "%", (estimated,), note="geschätzt: …")
    root = parse(chart.svg())
    groups = [g for g in root.iter(f"{SVG}g") if "ind-svg__series--estimate" in (g.get("class") or "")]
    assert len(groups) == 1
    (path,) = groups[0].iter(f"{SVG}path")
    assert path.get("stroke-dasharray") == "2 3"  # dotted, as the third style, although it is the only series
    assert len(list(groups[0].iter(f"{SVG}polygon"))) == 2  # diamonds
    assert chart.table().columns == ("Stichtag", "geschätzt")


def pyramid(by_sex: bool) -> AgePyramid:
    bands = (
        PyramidBand("unter 3 Jahre", 1082.0, 1021.0, 2103.0, "1.082", "1.021", "2.103"),
        PyramidBand("75 Jahre und mehr", 3301.0, 5189.0, 8490.0, "3.301", "5.189", "8.490"),
    )
    return AgePyramid("pyr", "Altersaufbau", "Pyramide", bands, by_sex=by_sex)


def test_it_renders_an_age_pyramid_by_sex_with_the_oldest_band_on_top() -> None:
    root = parse(pyramid(True).svg())
    assert_accessible(root, "Altersaufbau")
    shown = texts(root)
    assert "Männer" in shown and "Frauen" in shown
    assert shown.index("75 Jahre und mehr") < shown.index("unter 3 Jahre")
    assert pyramid(True).table().rows[1] == ("75 Jahre und mehr", "3.301", "5.189", "8.490")


def test_it_renders_an_age_pyramid_of_totals_only() -> None:
    root = parse(pyramid(False).svg())
    assert "Personen insgesamt" in texts(root)
    assert "Männer" not in texts(root)


@pytest.mark.parametrize(
    ("value", "decimals", "text"),
    [
        (1234.5, 1, "1.234,5"),
        (61411.0, 0, "61.411"),
        (-3.25, 1, "−3,2"),
        (-0.04, 1, "0,0"),
        (None, 1, "–"),
        (float("nan"), 1, "–"),
    ],
)
def test_it_formats_numbers_the_german_way(value: float | None, decimals: int, text: str) -> None:
    assert format_number(value, decimals) == text


def test_it_finds_round_axis_ticks() -> None:
    assert nice_ticks(0, 11684) == [0, 2500, 5000, 7500, 10000, 12500]
    assert nice_ticks(-3.2, 12.5) == [-5, 0, 5, 10, 15]
    flat = nice_ticks(5, 5)  # widened by 10 %
    assert (flat[0], flat[-1]) == pytest.approx((4.4, 5.6))
    assert tick_decimals([0, 0.5, 1.0]) == 1


def test_a_suppressed_share_reads_unterdrueckt_and_a_suppressed_count_below_the_threshold(settings: object) -> None:
    from sozialplan.indicators.catalogue import get_indicator
    from sozialplan.indicators.display import notes, value_text

    definition = get_indicator("anteil_80_plus")
    assert definition is not None
    hidden = IndicatorValue("anteil_80_plus", "16069008", dt.date(2022, 5, 15), None, suppressed=True)
    # "< 3" next to "%" would read as "under 3 %".
    assert value_text(hidden, definition) == "unterdrückt"
    assert "Anzahl unter 3, zum Schutz kleiner Fallzahlen nicht gezeigt" in notes(hidden)
    population = get_indicator("bevoelkerung")
    assert population is not None
    hidden_count = IndicatorValue("bevoelkerung", "16069008", dt.date(2022, 5, 15), None, suppressed=True)
    assert value_text(hidden_count, population) == "< 3"
    secret = IndicatorValue("anteil_80_plus", "16069008", dt.date(2022, 5, 15), None, flag=".")
    assert value_text(secret, definition) == "."
    assert notes(secret) == ["„.“: Zahlenwert unbekannt oder geheim zu halten"]


@pytest.mark.parametrize(("low", "high"), [(42.0, 41.99999999999), (0.0, 0.0), (1e-12, 2e-12), (-5.0, -5.0)])
def test_it_finds_at_least_two_ticks_for_nearly_equal_values(low: float, high: float) -> None:
    ticks = nice_ticks(low, high)
    assert len(ticks) >= 2 and ticks[0] < ticks[-1]
    assert ticks[0] <= min(low, high) and ticks[-1] >= max(low, high)


def test_it_always_labels_the_years_of_the_plan_horizon() -> None:
    points = tuple(
        Point(decimal_year(dt.date(year, 12, 31)), str(year), 1000.0 - year, "x") for year in range(2022, 2041)
    )
    highlight = tuple((decimal_year(dt.date(year, 12, 31)), str(year)) for year in (2030, 2035, 2040))
    chart = LineChart("h", "T", "D", "Personen", (Series("v", points),), highlight=highlight)
    shown = texts(parse(chart.svg()))
    assert {"2030", "2035", "2040", "2022"} <= set(shown)
    assert "2029" not in shown and "2031" not in shown
