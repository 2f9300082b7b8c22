import type { Metadata } from "next";
import { PageLink } from "@/app/_components/page-link";
import { RegisterForm } from "@/app/_components/register-form";

export const metadata: Metadata = { title: "Register" };

export default function RegisterPage() {
  return (
    <>
      <h1>Create an account</h1>
      <RegisterForm />
      <p>
        Already registered? <PageLink href="/login">Sign in</PageLink>
      </p>
    </>
  );
}
