"""A journey through each marketplace with the SDK: publish, approve with an
operator key, browse, install, rate and read the reviews, wherever the
marketplace has the route (agent and workflow templates take no ratings)."""

from conftest import publish_skill, unique


def test_skill_marketplace(publisher, operator, buyer, agent_id):
    name = unique("Journey skill")
    skill_id = publish_skill(publisher, operator, name)
    found = buyer.skills.browse(query=name, limit=5)
    assert [s.id for s in found.skills] == [skill_id]
    installed = buyer.skills.install(skill_id=skill_id, agent_id=agent_id)
    assert installed.success and installed.status == "installed"
    rated = buyer.skills.rate(skill_id=skill_id, rating=4, review="Solid")
    assert (rated.rating, rated.total_ratings) == (4, 1)
    again = buyer.skills.update_rating(skill_id=skill_id, rating=5, review="Better now")
    assert again.new_average == 5
    reviews = buyer.public.reviews(skill_id=skill_id)
    assert [(r.rating, r.review) for r in reviews.reviews] == [(5, "Better now")]
    assert buyer.public.get(skill_id=skill_id).installs == 1


def test_agent_template_marketplace(publisher, operator, buyer):
    agent = publisher.agents.create(name=unique("Template source"))
    name = unique("Sales Assistant")
    published = publisher.agent_templates.publish(
        agent_id=agent.id, name=name, description="Automated follow-up", price=19.99, category="sales"
    )
    assert published.status == "pending_approval"
    approved = operator.agent_templates.approve(template_id=published.template_id)
    assert approved.status == "approved"
    names = [t.name for t in buyer.iter_all(buyer.agent_templates.browse, limit=50)]
    assert name in names
    installed = buyer.agent_templates.install(template_id=published.template_id)
    assert installed.success
    mine = [a.id for a in buyer.agents.list().agents]
    assert installed.agent_id in mine


def test_domain_marketplace(publisher, operator, buyer):
    name = unique("Sales Automation")
    draft = publisher.domains.create(domain_name=name, description=f"{name} workflows", category="sales")
    assert draft.status == "draft"
    submitted = publisher.domains.submit(domain_id=draft.domain_id, price_usd=29.99, license_type="MIT", tags=["sales"])
    assert submitted.status == "pending_approval"
    assert operator.domains.approve(domain_id=draft.domain_id).status == "approved"
    found = buyer.domains.browse(q=name)
    assert [d.id for d in found] == [draft.domain_id]
    copy = buyer.domains.install(template_domain_id=draft.domain_id, custom_name=unique("My sales"))
    assert copy.success and copy.template_id == draft.domain_id
    rated = buyer.domains.rate(domain_id=draft.domain_id, rating=4.5, review="Half a star short")
    assert rated.model_dump()["success"] is True
    detail = buyer.domains.get(domain_id=draft.domain_id)
    assert (detail.rating_count, detail.install_count) == (1, 1)


def test_canvas_component_marketplace(publisher, operator, buyer):
    name = unique("Revenue chart")
    created = publisher.components.create(
        name=name, description="A chart", category="charts", component_type="chart", code="export default 1"
    )
    submitted = publisher.components.publish(component_id=created.component_id, price=0, tags=["chart"])
    assert submitted.status == "submitted_for_approval"
    assert operator.components.approve(component_id=created.component_id).status == "approved"
    found = buyer.components.browse(query=name)
    assert [c.id for c in found.components] == [created.component_id]
    canvas = buyer.canvases.create(name=unique("Board"))
    installed = buyer.components.install(component_id=created.component_id, canvas_id=canvas.id)
    assert (installed.status, installed.canvas_id) == ("installed", canvas.id)
    buyer.components.rate(component_id=created.component_id, rating=5, review="Pretty")
    ratings = buyer.components.ratings(component_id=created.component_id)
    assert [(r.rating, r.review) for r in ratings.ratings] == [(5, "Pretty")]


def test_workflow_template_marketplace(publisher, operator, buyer):
    name = unique("Lead router")
    created = publisher.workflows.create_advanced(name=name, description="Routes leads", category="sales")
    assert created.status == "pending_approval"
    decided = operator.admin.approve_listing(listing_id=created.id)
    assert decided.status == "approved"
    listed = buyer.workflows.browse(category="sales")
    assert created.id in [t.id for t in listed]
    imported = buyer.workflows.install(template_id=created.id)
    assert imported.name
    workspace = buyer.workflows.list_workspace()
    assert imported.id in [w.id for w in workspace.workflows]
