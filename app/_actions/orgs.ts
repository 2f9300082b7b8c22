"use server";
/**
 * The forms of /orgs, /orgs/[slug] and /invite: creating, switching to,
 * renaming and deleting an organization, changing a member's role, removing
 * a member or leaving, inviting, withdrawing and accepting an invitation.
 * Each calls one use case, works without JavaScript, and answers its form
 * with what happened or what went wrong. Deleting needs a recent sign-in
 * (/reauth and back).
 */
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { revalidatePath } from "next/cache";
import { ORG_SLUG_PATTERN } from "@/lib/edge/org-claims";
import { formStateFrom, formText, type FormState } from "@/lib/http/form-state";
import { withStepUp } from "@/lib/http/step-up";
import { clientInfo } from "@/lib/request/client-info";
import { safeNextPath } from "@/lib/next-path";
import { acceptInvitation, invite, withdrawInvitation } from "@/lib/use-cases/invitations";
import { changeMemberRole, removeMember } from "@/lib/use-cases/members";
import { createOrganization, deleteOrganization, switchOrganization, updateOrganization } from "@/lib/use-cases/orgs";

/** An organization's page from a form's `slug` field; the list for anything that is not a slug. */
function orgPath(slug: string): string {
  return ORG_SLUG_PATTERN.test(slug) ? `/orgs/${slug}` : "/orgs";
}

async function client() {
  return clientInfo(await headers());
}

export async function createOrgAction(_previous: FormState, form: FormData): Promise<FormState> {
  const values = { name: formText(form, "name"), slug: formText(form, "slug") };
  let slug: string;
  try {
    ({ slug } = await createOrganization(values, await client()));
  } catch (error) {
    return formStateFrom(error, values);
  }
  revalidatePath("/orgs");
  redirect(orgPath(slug));
}

/** "Switch to" (an organization's id) or "Work without an organization" (an empty id); back to `returnTo`. */
export async function switchOrgAction(form: FormData): Promise<void> {
  const orgId = formText(form, "orgId");
  await switchOrganization({ orgId: orgId === "" ? null : orgId }, await client());
  revalidatePath("/", "layout");
  redirect(safeNextPath(formText(form, "returnTo"), "/orgs"));
}

export async function renameOrgAction(_previous: FormState, form: FormData): Promise<FormState> {
  const values = { name: formText(form, "name"), slug: formText(form, "slug") };
  let slug: string;
  try {
    ({ slug } = await updateOrganization(formText(form, "id"), values, await client()));
  } catch (error) {
    return formStateFrom(error, values);
  }
  revalidatePath("/orgs");
  redirect(orgPath(slug));
}

export async function deleteOrgAction(_previous: FormState, form: FormData): Promise<FormState> {
  const id = formText(form, "id");
  const c = await client();
  try {
    await withStepUp(orgPath(formText(form, "slug")), () => deleteOrganization({ id }, c));
  } catch (error) {
    return formStateFrom(error, {});
  }
  revalidatePath("/", "layout");
  redirect("/orgs");
}

export async function changeRoleAction(_previous: FormState, form: FormData): Promise<FormState> {
  const slug = formText(form, "slug");
  try {
    const member = await changeMemberRole({ id: formText(form, "id"), userId: formText(form, "userId") }, { role: formText(form, "role") }, await client());
    revalidatePath(orgPath(slug));
    return { done: true, message: `${member.username} is now ${member.role}.` };
  } catch (error) {
    return formStateFrom(error, {});
  }
}

export async function removeMemberAction(_previous: FormState, form: FormData): Promise<FormState> {
  let self: boolean;
  try {
    ({ self } = await removeMember({ id: formText(form, "id"), userId: formText(form, "userId") }, await client()));
  } catch (error) {
    return formStateFrom(error, {});
  }
  if (self) {
    revalidatePath("/", "layout");
    redirect("/orgs");
  }
  revalidatePath(orgPath(formText(form, "slug")));
  return { done: true, message: "Removed." };
}

export async function inviteAction(_previous: FormState, form: FormData): Promise<FormState> {
  const values = { email: formText(form, "email"), role: formText(form, "role") };
  try {
    const invitation = await invite(formText(form, "id"), values, await client());
    revalidatePath(orgPath(formText(form, "slug")));
    return { done: true, message: `We sent an invitation to ${invitation.email}. It works for 7 days.`, values: { role: values.role } };
  } catch (error) {
    return formStateFrom(error, values);
  }
}

export async function withdrawInvitationAction(_previous: FormState, form: FormData): Promise<FormState> {
  try {
    await withdrawInvitation({ id: formText(form, "id"), invitationId: formText(form, "invitationId") }, await client());
  } catch (error) {
    return formStateFrom(error, {});
  }
  revalidatePath(orgPath(formText(form, "slug")));
  return { done: true, message: "Withdrawn: its link no longer works." };
}

export async function acceptInvitationAction(_previous: FormState, form: FormData): Promise<FormState> {
  let slug: string;
  try {
    ({
      organization: { slug },
    } = await acceptInvitation({ token: formText(form, "token") }, await client()));
  } catch (error) {
    return formStateFrom(error, {});
  }
  revalidatePath("/orgs");
  redirect(orgPath(slug));
}
