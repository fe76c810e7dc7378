"""TailsSetting validation and conventions (TG §A, [OPEN] choices in §C)."""

import pytest

from modelcollapse.tails import TailsSetting


@pytest.mark.parametrize(("kwargs", "name"), [
    ({"beta": 1.0, "T": 10}, "beta"),
    ({"beta": 2, "T": 0}, "T"),
    ({"beta": 2, "T": 10, "k": 0}, "k"),
    ({"beta": 2, "T": 10, "k": 2.5}, "k"),
    ({"beta": 2, "T": 10, "top_p": 1.0}, "top_p"),
    ({"beta": 2, "T": 10, "temperature": 2.0}, "temperature"),
    ({"beta": 2, "T": 10, "pi": 1.5}, "pi"),
    ({"beta": 2, "T": 10, "k": 5, "top_p": 0.5}, "top_p"),
    ({"beta": 2, "T": 10, "generations": 2}, "mechanism"),
    ({"beta": 2, "T": 10, "generations": 2, "mechanism": "D"}, "mechanism"),
    ({"beta": 2, "T": 10, "mechanism": "A"}, "mechanism"),
    ({"beta": 2, "T": 10, "generations": 2, "mechanism": "C", "pi": 0.1}, "pi"),
    ({"beta": 2, "T": 10, "generations": 2, "mechanism": "A", "k": 3}, "generations"),
    ({"beta": 2, "T": 10, "temperature": 0.5, "pi": 0.1}, "pi"),
    ({"beta": 2, "T": 10, "temperature": 1.5, "generations": 2}, "temperature"),
    ({"beta": 2, "T": float("nan")}, "T"),
    ({"beta": "2", "T": 10}, "beta"),
])
def test_errors_name_the_parameter(kwargs, name):
    with pytest.raises(ValueError, match=f"^{name}"):
        TailsSetting(**kwargs)


def test_T0_alone_is_one_generation_of_mechanism_b():
    s = TailsSetting(beta=2.0, T=100, T0=50)
    assert (s.generations, s.mechanism, s.transform) == (1, "B", "generations")
    assert TailsSetting(beta=2.0, T=100, T0=50, mechanism="C").mechanism == "C"


def test_transform_and_trained_beta():
    assert TailsSetting(beta=2.0, T=1).transform == "none"
    assert TailsSetting(beta=2.0, T=1, top_p=0.9).transform == "top_p"
    s = TailsSetting(beta=3.0, T=1, temperature=0.5, generations=2)
    assert s.transform == "temperature" and s.trained_beta == 12.0
    assert TailsSetting(beta=3.0, T=1).c == pytest.approx(2 / 3)


def test_to_dict_round_trip():
    s = TailsSetting(beta=2.0, T=1e6, k=10, pi=0.5)
    d = s.to_dict()
    assert d["T"] == 1_000_000 and isinstance(d["T"], int)
    assert TailsSetting(**d) == s
    assert s.replace(k=20).k == 20
