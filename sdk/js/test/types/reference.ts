// Checked by tsc --noEmit in scripts/sdk-test (never run): the reference's
// example is typed, and wrong arguments are type errors (each
// expected error must stay one, or the check fails).
import { MarketplaceClient, type RateLimit } from '@atom-saas/sdk';

export async function example(): Promise<void> {
  const client = new MarketplaceClient({ apiKey: 'sk-your-key' });
  const skills = await client.skills.browse({ category: 'productivity', limit: 10 });
  const result = await client.skills.install({ skillId: 'skill-uuid-123', agentId: 'agent-uuid-456' });
  await client.skills.rate({ skillId: 'skill-uuid-123', rating: 5, review: 'Excellent!' });

  const name: string = skills.skills[0].name;
  const limit: RateLimit = skills.rateLimit;
  const installed: boolean = "success" in result ? result.success : false;
  // @ts-expect-error rating is a number
  await client.skills.rate({ skillId: 'x', rating: 'five' });
  // @ts-expect-error sortBy is one of the documented sorts
  await client.skills.browse({ sortBy: 'loudest' });
  // @ts-expect-error skillId is required
  await client.skills.install({ agentId: 'a' });
  for await (const s of client.iterAll(client.public.browse, { category: 'x' })) {
    const id: string = s.id;
    void id;
  }
  void name, limit, installed;
}
