import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { TenantscopeError } from '../../platform/errors.ts';
import type { Schema } from '../../storage/schema.ts';
import { listMembers } from '../../workspaces/workspace-repo.ts';
import { idParams, memberSchema, roleSchema } from './api-schemas.ts';
import { inWorkspace, recordAudit } from './auth-plugin.ts';
import { defineRoute } from './route-kit.ts';

/** Members of the caller's workspace; people join through invitations (invitation-routes.ts). */
export function registerMemberRoutes(app: FastifyInstance, deps: { db: Kysely<Schema> }): void {
  defineRoute(
    app,
    {
      method: 'GET',
      url: '/api/members',
      access: 'admin',
      summary: "The workspace's members and their roles",
      tags: ['members'],
      response: z.object({ members: z.array(memberSchema) }),
    },
    async ({ request }) => ({ members: await inWorkspace(deps.db, request, (tx) => listMembers(tx)) }),
  );

  defineRoute(
    app,
    {
      method: 'PATCH',
      url: '/api/members/:id',
      access: 'owner',
      summary: "Change a member's role",
      description: 'A workspace always keeps at least one owner (TS_ERR_LAST_OWNER).',
      tags: ['members'],
      params: idParams,
      body: z.object({ role: roleSchema }).strict(),
      response: memberSchema,
      rateLimit: { max: 30, timeWindow: '1 minute' },
    },
    async ({ request, params, body }) =>
      inWorkspace(deps.db, request, async (tx, member) => {
        const current = await tx
          .selectFrom('memberships')
          .select('role')
          .where('user_id', '=', params.id)
          .executeTakeFirst();
        if (!current) throw new TenantscopeError('TS_ERR_NOT_FOUND', 'no such member');
        if (current.role === 'owner' && body.role !== 'owner') {
          // Locked so two owners demoting each other at once cannot both succeed (PostgreSQL).
          const owners = await tx
            .selectFrom('memberships')
            .select('user_id')
            .where('role', '=', 'owner')
            .forUpdate()
            .execute();
          if (owners.length <= 1)
            throw new TenantscopeError('TS_ERR_LAST_OWNER', 'this member is the last owner of the workspace');
        }
        await tx
          .updateTable('memberships')
          .set({ role: body.role })
          .where('user_id', '=', params.id)
          .execute();
        await recordAudit(tx, member, 'member.role_changed', params.id, {
          from: current.role,
          to: body.role,
        });
        const updated = (await listMembers(tx)).find((m) => m.id === params.id);
        if (!updated) throw new TenantscopeError('TS_ERR_NOT_FOUND', 'no such member');
        return updated;
      }),
  );
}
