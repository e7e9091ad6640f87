export const ROLES = ["viewer", "member", "admin"] as const;
export type Role = (typeof ROLES)[number];

/** Who is calling, as proven by a verified token. The tenant comes from nowhere else. */
export interface Principal {
	tenantId: string;
	subject: string;
	role: Role;
	scopes: string[];
}

const RANK: Record<Role, number> = { viewer: 0, member: 1, admin: 2 };

export const hasRole = (role: Role, atLeast: Role): boolean => RANK[role] >= RANK[atLeast];
