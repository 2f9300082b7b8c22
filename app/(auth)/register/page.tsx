import type { Metadata } from "next";
import Link from "next/link";
import { RegisterForm } from "@/app/_components/register-form";

export const metadata: Metadata = { title: "Register" };

export default function RegisterPage() {
  return (
    <>
      <h1>Create an account</h1>
      <RegisterForm />
      <p>
        Already registered? <Link href="/login">Sign in</Link>
      </p>
    </>
  );
}
