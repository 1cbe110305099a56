//! Who is asking, and what they may do. Every use case receives a
//! [`Principal`] and asks it; the role → permission table lives here only.

use crate::error::{ErrorCode, MarketError, MarketResult};
use crate::model::account::{Role, Scope};
use serde::Serialize;
use uuid::Uuid;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Permission {
    SkillView,
    SkillManage,
    TenantAdmin,
    GovernanceApprove,
}

impl Permission {
    /// Permissions a read-only credential keeps.
    fn is_read(self) -> bool {
        matches!(self, Permission::SkillView)
    }
}

/// The platform contract's role table.
pub fn role_permissions(role: Role) -> &'static [Permission] {
    use Permission::*;
    match role {
        Role::Member => &[SkillView, SkillManage],
        Role::Admin | Role::Owner => &[SkillView, SkillManage, TenantAdmin],
        Role::SuperAdmin => &[SkillView, SkillManage, TenantAdmin, GovernanceApprove],
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CredentialKind {
    Session,
    ApiKey,
    Oauth,
    /// The operator's command line.
    Cli,
}

#[derive(Clone, Debug)]
pub struct Principal {
    pub tenant_id: Uuid,
    pub user_id: Uuid,
    pub email: String,
    pub role: Role,
    pub scope: Scope,
    pub credential: CredentialKind,
    /// The API key or OAuth token row, for per-credential rate limits.
    pub credential_id: Option<Uuid>,
}

/// A caller whose credential the rate limiter has already validated, left
/// in the request's extensions so the route does not look it up again.
#[derive(Clone, Debug)]
pub struct Resolved(pub Principal);

impl Principal {
    /// The user's permissions intersected with the credential's scope.
    pub fn permissions(&self) -> Vec<Permission> {
        role_permissions(self.role)
            .iter()
            .copied()
            .filter(|p| self.scope == Scope::ReadWrite || p.is_read())
            .collect()
    }

    pub fn can(&self, permission: Permission) -> bool {
        self.permissions().contains(&permission)
    }

    /// Demands a permission: a read-only credential asking for more is
    /// `INSUFFICIENT_SCOPE`, a user without it `FORBIDDEN`.
    pub fn require(&self, permission: Permission) -> MarketResult<()> {
        if self.can(permission) {
            return Ok(());
        }
        if self.scope == Scope::Read && role_permissions(self.role).contains(&permission) {
            return Err(insufficient_scope());
        }
        Err(MarketError::forbidden(format!(
            "This action needs the {} permission",
            serde_json::to_value(permission)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default()
        )))
    }

    /// Any state change: refused outright to read-only credentials.
    pub fn require_write(&self) -> MarketResult<()> {
        if self.scope == Scope::Read {
            return Err(insufficient_scope());
        }
        Ok(())
    }
}

pub fn insufficient_scope() -> MarketError {
    MarketError::new(
        ErrorCode::InsufficientScope,
        "Read-only key cannot perform write operations",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn principal(role: Role, scope: Scope) -> Principal {
        Principal {
            tenant_id: Uuid::nil(),
            user_id: Uuid::nil(),
            email: "a@b.c".into(),
            role,
            scope,
            credential: CredentialKind::ApiKey,
            credential_id: None,
        }
    }

    #[test]
    fn only_super_admins_approve() {
        for role in [Role::Member, Role::Admin, Role::Owner] {
            assert!(!principal(role, Scope::ReadWrite).can(Permission::GovernanceApprove));
        }
        assert!(principal(Role::SuperAdmin, Scope::ReadWrite).can(Permission::GovernanceApprove));
    }

    #[test]
    fn read_scope_keeps_only_view() {
        let p = principal(Role::Owner, Scope::Read);
        assert_eq!(p.permissions(), vec![Permission::SkillView]);
        let e = p.require(Permission::SkillManage).expect_err("read scope");
        assert_eq!(e.code, ErrorCode::InsufficientScope);
        let e = principal(Role::Member, Scope::ReadWrite)
            .require(Permission::TenantAdmin)
            .expect_err("member");
        assert_eq!(e.code, ErrorCode::Forbidden);
    }
}
