"""The reference's Python example, its three calls as written: only the key
and the ids are real ones (the base URL comes from $ATOM_SAAS_BASE_URL)."""

from conftest import key


def test_the_reference_example_runs_as_written(buyer, approved_skill, agent_id):
    skill_uuid, agent_uuid, your_key = approved_skill, agent_id, key("BUYER")

    from atom_saas import MarketplaceClient

    # Initialize client
    client = MarketplaceClient(api_key=your_key)
    # Browse skills
    skills = client.skills.browse(category="productivity", limit=10)
    # Install skill
    result = client.skills.install(skill_id=skill_uuid, agent_id=agent_uuid)
    # Rate skill
    client.skills.rate(skill_id=skill_uuid, rating=5, review="Excellent!")

    # ...and they did what they say.
    assert skills.success and 1 <= len(skills.skills) <= 10
    assert all(s.category == "productivity" for s in skills.skills)
    assert result.model_dump()["success"] is True
    detail = client.public.get(skill_id=skill_uuid)
    assert detail.model_dump()["rating_count"] == 1
    reviews = client.public.reviews(skill_id=skill_uuid)
    assert [(r.rating, r.review) for r in reviews.reviews] == [(5, "Excellent!")]
