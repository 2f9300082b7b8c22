"use client";
/**
 * The forms of the organization pages, each on one server action of
 * app/_actions/orgs.ts. They work with and without JavaScript (React posts
 * the form either way) and show their answer beside themselves: what
 * happened, or why not (a 409 for the last OWNER, a taken slug…).
 */
import { useActionState } from "react";
import {
  acceptInvitationAction,
  changeRoleAction,
  createOrgAction,
  deleteOrgAction,
  inviteAction,
  removeMemberAction,
  renameOrgAction,
  withdrawInvitationAction,
} from "@/app/_actions/orgs";
import { Field, FormError, FormOutcome } from "@/app/_components/field";
import type { FormState } from "@/lib/http/form-state";
import type { OrgRole } from "@/lib/orgs/roles";

type Action = (previous: FormState, form: FormData) => Promise<FormState>;

/** One button posting `fields` to `action`, with its answer beside it. */
function ActionButton({ action, fields, label, ariaLabel, danger }: { action: Action; fields: Record<string, string>; label: string; ariaLabel: string; danger?: boolean }) {
  const [state, formAction, pending] = useActionState(action, {} satisfies FormState);
  return (
    <form action={formAction}>
      {Object.entries(fields).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      <button type="submit" className={danger ? "danger" : "secondary"} aria-label={ariaLabel} disabled={pending}>
        {label}
      </button>
      <FormOutcome state={state} />
    </form>
  );
}

function RoleSelect({ id, label, roles, value, hideLabel }: { id: string; label: string; roles: readonly OrgRole[]; value?: string | undefined; hideLabel?: boolean }) {
  return (
    <label htmlFor={id}>
      {hideLabel ? <span className="visually-hidden">{label}</span> : label}
      <select id={id} name="role" defaultValue={value}>
        {roles.map((role) => (
          <option key={role} value={role}>
            {role}
          </option>
        ))}
      </select>
    </label>
  );
}

export function CreateOrgForm() {
  const [state, formAction, pending] = useActionState(createOrgAction, {} satisfies FormState);
  return (
    <form action={formAction} className="stack" noValidate aria-label="Create an organization">
      <FormError message={state.message} />
      <Field name="name" label="Name" required defaultValue={state.values?.name} error={state.fields?.name} />
      <Field name="slug" label="Slug (optional, made from the name)" defaultValue={state.values?.slug} error={state.fields?.slug} spellCheck={false} />
      <button type="submit" disabled={pending}>
        Create organization
      </button>
    </form>
  );
}

interface Organization {
  id: string;
  slug: string;
}

export function RenameOrgForm({ organization, name }: { organization: Organization; name: string }) {
  const [state, formAction, pending] = useActionState(renameOrgAction, {} satisfies FormState);
  return (
    <form action={formAction} className="stack" noValidate aria-label="Rename the organization">
      <FormError message={state.message} />
      <input type="hidden" name="id" value={organization.id} />
      <Field name="name" label="Name" required defaultValue={state.values?.name ?? name} error={state.fields?.name} />
      <Field name="slug" label="Slug" required defaultValue={state.values?.slug ?? organization.slug} error={state.fields?.slug} spellCheck={false} />
      <button type="submit" disabled={pending}>
        Save
      </button>
    </form>
  );
}

export function InviteForm({ organization, roles }: { organization: Organization; roles: readonly OrgRole[] }) {
  const [state, formAction, pending] = useActionState(inviteAction, {} satisfies FormState);
  return (
    <form action={formAction} className="stack" noValidate aria-label="Invite someone">
      <FormOutcome state={state} />
      <input type="hidden" name="id" value={organization.id} />
      <input type="hidden" name="slug" value={organization.slug} />
      <Field name="email" label="Email address" type="email" autoComplete="off" required defaultValue={state.done ? "" : state.values?.email} error={state.fields?.email} />
      <RoleSelect id="invite-role" label="Role" roles={roles} value={state.values?.role ?? "MEMBER"} />
      <button type="submit" disabled={pending}>
        Send invitation
      </button>
    </form>
  );
}

/** A member's role, changed with a choice of the roles the viewer may give them. */
export function RoleForm({ organization, member, roles }: { organization: Organization; member: { userId: string; username: string; role: OrgRole }; roles: readonly OrgRole[] }) {
  const [state, formAction, pending] = useActionState(changeRoleAction, {} satisfies FormState);
  return (
    <form action={formAction} className="row-actions">
      <input type="hidden" name="id" value={organization.id} />
      <input type="hidden" name="slug" value={organization.slug} />
      <input type="hidden" name="userId" value={member.userId} />
      <RoleSelect id={`role-${member.userId}`} label={`Role of ${member.username}`} roles={roles} value={member.role} hideLabel />
      <button type="submit" className="secondary" disabled={pending} aria-label={`Change the role of ${member.username}`}>
        Change role
      </button>
      <FormOutcome state={state} />
    </form>
  );
}

export function RemoveMemberButton({ organization, member, self }: { organization: Organization; member: { userId: string; username: string }; self: boolean }) {
  return (
    <ActionButton
      action={removeMemberAction}
      fields={{ id: organization.id, slug: organization.slug, userId: member.userId }}
      label={self ? "Leave" : "Remove"}
      ariaLabel={self ? "Leave the organization" : `Remove ${member.username}`}
      danger={!self}
    />
  );
}

export function WithdrawButton({ organization, invitation }: { organization: Organization; invitation: { id: string; email: string } }) {
  return (
    <ActionButton
      action={withdrawInvitationAction}
      fields={{ id: organization.id, slug: organization.slug, invitationId: invitation.id }}
      label="Withdraw"
      ariaLabel={`Withdraw the invitation of ${invitation.email}`}
    />
  );
}

export function DeleteOrgButton({ organization }: { organization: Organization }) {
  return <ActionButton action={deleteOrgAction} fields={{ id: organization.id, slug: organization.slug }} label="Delete organization" ariaLabel="Delete the organization" danger />;
}

export function AcceptInvitationForm({ token }: { token: string }) {
  const [state, formAction, pending] = useActionState(acceptInvitationAction, {} satisfies FormState);
  return (
    <form action={formAction} className="actions">
      <input type="hidden" name="token" value={token} />
      <button type="submit" disabled={pending}>
        Accept the invitation
      </button>
      <FormError message={state.message} />
    </form>
  );
}
