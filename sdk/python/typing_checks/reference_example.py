"""Checked by mypy --strict in scripts/sdk-test (never run): the reference's
example is typed, and a wrong argument is a type error (the ignore below
must stay needed: --warn-unused-ignores fails the check otherwise)."""

from atom_saas import MarketplaceClient, RateLimit, models

client = MarketplaceClient(api_key="sk-your-key")
skills = client.skills.browse(category="productivity", limit=10)
result = client.skills.install(skill_id="skill-uuid-123", agent_id="agent-uuid-456")
client.skills.rate(skill_id="skill-uuid-123", rating=5, review="Excellent!")

first: models.SkillMarketplaceItem = skills.skills[0]
name: str = first.name
limit: RateLimit = skills.rate_limit
client.skills.rate(skill_id="skill-uuid-123", rating="five")  # type: ignore[arg-type]
client.skills.browse(sort_by="loudest")  # type: ignore[arg-type]
