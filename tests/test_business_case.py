"""Business case per initiative: NPV, payback, later benefit start, sensitivity, validation."""

from __future__ import annotations

import math

import polars as pl
import pytest

from gevinst.core.business_case import TABLE_COLUMNS, business_case


def annuity_due(amount: float, rate: float, years: int) -> float:
    """Present value of ``amount`` at the start of each of ``years`` years."""
    if rate == 0:
        return amount * years
    return amount * (1 - (1 + rate) ** -years) / rate * (1 + rate)


@pytest.mark.parametrize("rate", [0.04, 0.025, 0.1, -0.02])
@pytest.mark.parametrize("years", [1, 4, 10, 50])
def test_flat_stream_npv_is_the_annuity_formula(rate, years):
    bc = business_case(one_off_cost=2_500_000, yearly_cost=300_000, yearly_benefit=1_200_000, first_year=2027,
                       years=years, discount_rate=rate)
    expected = annuity_due(1_200_000 - 300_000, rate, years) - 2_500_000
    assert bc.npv == pytest.approx(expected, rel=1e-12)
    assert bc.pv_benefit == pytest.approx(annuity_due(1_200_000, rate, years), rel=1e-12)
    assert bc.pv_cost == pytest.approx(annuity_due(300_000, rate, years) + 2_500_000, rel=1e-12)
    assert bc.benefit_cost_ratio == pytest.approx(bc.pv_benefit / bc.pv_cost)
    assert bc.table["net_present_value"].sum() == pytest.approx(expected, rel=1e-12)
    assert bc.table["cumulative_present_value"][-1] == pytest.approx(expected, rel=1e-12)


def test_table_layout():
    bc = business_case(one_off_cost=100, yearly_cost=10, yearly_benefit=60, first_year=2027)
    assert bc.table.columns == list(TABLE_COLUMNS)
    assert bc.table.schema["year"] == pl.Int64
    assert bc.table["year"].to_list() == [2027, 2028, 2029, 2030]
    assert bc.table["one_off_cost"].to_list() == [100, 0, 0, 0]
    assert bc.table["yearly_cost"].to_list() == [10] * 4
    assert bc.table["discount_factor"].to_list() == pytest.approx([1, 1 / 1.04, 1 / 1.04**2, 1 / 1.04**3])
    assert (bc.first_year, bc.last_year, bc.years, bc.benefit_start_year, bc.discount_rate) == (2027, 2030, 4, 2027, 0.04)


def test_payback_hand_computed():
    # nets −50, 50, 50, 50 → cumulative −50, 0 (pays back exactly), 50, 100
    bc = business_case(one_off_cost=100, yearly_cost=10, yearly_benefit=60, first_year=2027)
    assert bc.table["net"].to_list() == [-50, 50, 50, 50]
    assert bc.table["cumulative_net"].to_list() == [-50, 0, 50, 100]
    assert bc.payback_year == 2028
    # discounted: −50, −50 + 50/1.04 = −1.92…, + 50/1.04² > 0
    assert bc.table["cumulative_present_value"][1] == pytest.approx(-50 + 50 / 1.04)
    assert bc.discounted_payback_year == 2029
    assert bc.total_benefit == 240 and bc.total_cost == 140
    # slightly less benefit: nominal payback moves to the third year
    assert business_case(one_off_cost=100, yearly_cost=10, yearly_benefit=59.9, first_year=2027).payback_year == 2029


def test_payback_with_decimals_is_recognised_despite_rounding():
    # −0.9 + 0.3 + 0.3 + 0.3 is −1.1e-16 in floating point; it pays back exactly in the third year
    bc = business_case(one_off_cost=0.9, yearly_cost=0, yearly_benefit=0.3, first_year=2027, years=4,
                       discount_rate=0)
    assert bc.table["cumulative_net"][2] < 0  # the rounding the tolerance is for
    assert bc.payback_year == 2029
    assert bc.discounted_payback_year == 2029


def test_no_payback_in_period():
    bc = business_case(one_off_cost=1_000, yearly_cost=0, yearly_benefit=100, first_year=2027)
    assert bc.payback_year is None and bc.discounted_payback_year is None
    assert bc.npv < 0


def test_benefit_starting_later():
    bc = business_case(one_off_cost=500, yearly_cost=50, yearly_benefit=400, first_year=2027, benefit_start_year=2029,
                       discount_rate=0.05)
    assert bc.table["benefit"].to_list() == [0, 0, 400, 400]
    d = [1 / 1.05**k for k in range(4)]
    expected = -500 - 50 * sum(d) + 400 * (d[2] + d[3])
    assert bc.npv == pytest.approx(expected, rel=1e-12)
    assert bc.total_benefit == 800
    assert bc.payback_year == 2030  # −550, −600, −250, 100
    assert bc.benefit_start_year == 2029
    # a start after the period: no benefit at all, no ratio for the break-even
    late = business_case(one_off_cost=500, yearly_cost=50, yearly_benefit=400, first_year=2027, benefit_start_year=2031)
    assert late.total_benefit == 0 and late.pv_benefit == 0
    assert late.break_even_factor is None and late.benefit_cost_ratio == 0
    assert late.npv == pytest.approx(-late.pv_cost)


def test_sensitivity_is_linear_and_break_even_gives_zero_npv():
    kwargs = dict(one_off_cost=3_000_000, yearly_cost=400_000, first_year=2026, benefit_start_year=2027,
                  discount_rate=0.04)
    bc = business_case(yearly_benefit=1_100_000, **kwargs)
    factors = [f for f, _ in bc.sensitivity]
    assert factors == [0.5, 0.75, 1.0, 1.25, 1.5]
    npvs = [v for _, v in bc.sensitivity]
    assert dict(bc.sensitivity)[1.0] == pytest.approx(bc.npv)
    steps = [b - a for a, b in zip(npvs, npvs[1:])]
    assert steps == pytest.approx([0.25 * bc.pv_benefit] * 4)
    for f, v in bc.sensitivity:  # the same as re-running with the benefit scaled
        assert v == pytest.approx(business_case(yearly_benefit=1_100_000 * f, **kwargs).npv, rel=1e-9, abs=1e-6)
    f_star = bc.break_even_factor
    assert f_star == pytest.approx(bc.pv_cost / bc.pv_benefit)
    assert business_case(yearly_benefit=1_100_000 * f_star, **kwargs).npv == pytest.approx(0, abs=1e-6)
    custom = business_case(yearly_benefit=1_100_000, sensitivity=(0.0, 2.0), **kwargs)
    assert custom.sensitivity == [(0.0, pytest.approx(-bc.pv_cost)), (2.0, pytest.approx(2 * bc.pv_benefit - bc.pv_cost))]


def test_rate_zero_is_the_plain_sum():
    bc = business_case(one_off_cost=750, yearly_cost=125, yearly_benefit=333, first_year=2025, years=7,
                       benefit_start_year=2026, discount_rate=0)
    assert bc.table["discount_factor"].to_list() == [1.0] * 7
    assert bc.npv == pytest.approx(333 * 6 - 125 * 7 - 750, abs=1e-9)
    assert bc.npv == pytest.approx(bc.total_benefit - bc.total_cost, abs=1e-9)
    assert bc.discounted_payback_year == bc.payback_year
    assert bc.table["net_present_value"].to_list() == bc.table["net"].to_list()


def test_no_costs():
    bc = business_case(one_off_cost=0, yearly_cost=0, yearly_benefit=10, first_year=2027)
    assert bc.benefit_cost_ratio is None
    assert bc.break_even_factor == 0
    assert bc.payback_year == 2027


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (dict(one_off_cost=-1), "one_off_cost"),
        (dict(yearly_cost=-0.01), "yearly_cost"),
        (dict(yearly_benefit=-5), "yearly_benefit"),
        (dict(yearly_benefit=math.nan), "yearly_benefit"),
        (dict(one_off_cost=math.inf), "one_off_cost"),
        (dict(yearly_cost="mange"), "yearly_cost"),
        (dict(years=0), "years"),
        (dict(years=51), "years"),
        (dict(years=4.0), "years"),
        (dict(discount_rate=-1), "discount_rate"),
        (dict(discount_rate=-1.5), "discount_rate"),
        (dict(discount_rate=1.01), "discount_rate"),
        (dict(discount_rate=math.nan), "discount_rate"),
        (dict(benefit_start_year=2026), "benefit_start_year"),
        (dict(sensitivity=(1.0, -0.5)), "sensitivity"),
    ],
)
def test_bad_inputs_raise(kwargs, message):
    base = dict(one_off_cost=100, yearly_cost=10, yearly_benefit=50, first_year=2027)
    with pytest.raises(ValueError, match=message):
        business_case(**{**base, **kwargs})


def test_limits_of_the_valid_range_are_accepted():
    base = dict(one_off_cost=100, yearly_cost=10, yearly_benefit=50, first_year=2027)
    assert business_case(**base, years=1).table.height == 1
    assert business_case(**base, years=50).table.height == 50
    assert business_case(**base, discount_rate=1).table["discount_factor"][1] == 0.5
