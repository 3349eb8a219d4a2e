"""The points formula and the proof multipliers (docs/scoring-core.md, "Points")."""

import pytest

from scoring.models import ActionType, Commitment, ProofLevel, base_points, points_for


@pytest.mark.parametrize(
    ("difficulty", "commitment", "expected"),
    [
        (1, Commitment.ONE_OFF, 10),
        (2, Commitment.ONE_OFF, 20),
        (3, Commitment.ONE_OFF, 30),
        (1, Commitment.MONTHLY, 20),
        (2, Commitment.MONTHLY, 40),
        (3, Commitment.MONTHLY, 60),
        (1, Commitment.ONGOING, 30),
        (2, Commitment.ONGOING, 60),
        (3, Commitment.ONGOING, 90),
    ],
)
def test_base_points_are_ten_times_difficulty_times_commitment(
    difficulty, commitment, expected
):
    assert base_points(difficulty, commitment) == expected


@pytest.mark.parametrize(
    ("proof", "expected"),
    [(ProofLevel.DECLARED, 40), (ProofLevel.PHOTO, 60), (ProofLevel.CONFIRMED, 80)],
)
def test_proof_multiplies_declared_1_photo_1_5_confirmed_2(proof, expected):
    assert points_for(2, Commitment.MONTHLY, proof) == expected


def test_every_catalogue_figure_is_a_whole_number_of_points():
    for difficulty in (1, 2, 3):
        for commitment in Commitment.values:
            base = base_points(difficulty, commitment)
            assert points_for(difficulty, commitment, ProofLevel.PHOTO) * 2 == base * 3


def test_action_type_exposes_its_points_without_the_database():
    action = ActionType(
        code="compost", domain="waste", difficulty=3, commitment=Commitment.ONGOING
    )
    assert action.base_points == 90
    assert action.points(ProofLevel.PHOTO) == 135
    assert action.points(ProofLevel.CONFIRMED) == 180
