"use client";
// Sign-in, and on a fresh install (no account yet) the first-run setup that creates the operator.
import { useState, type FormEvent, type ReactNode } from "react";
import { useSearchParams } from "next/navigation";
import { useQuery } from "@tanstack/react-query";
import { api, ApiError } from "@/components/api/client";
import { Button } from "@/components/ui/button";
import { safeNext } from "./safe-next";


function messageFor(e: unknown): string {
  if (e instanceof ApiError) {
    if (e.status === 401) return "Wrong username or password.";
    if (e.status === 429) return e.message || "Too many attempts. Wait a minute and try again.";
    if (e.status === 0) return "Cannot reach the server.";
    return e.message;
  }
  return String(e);
}

export function LoginScreen() {
  const params = useSearchParams();
  const next = safeNext(params.get("next"));
  const setup = useQuery({
    queryKey: ["setup-needed"],
    queryFn: () => api.get<{ setupNeeded: boolean }>("/api/auth/setup-needed"),
    retry: 1,
  });

  return (
    <main className="flex min-h-screen items-start justify-center px-4 pt-[12vh]">
      <div className="w-full max-w-[360px]">
        <div className="mb-5 flex items-center justify-center gap-2">
          <span aria-hidden className="grid h-8 w-8 place-items-center rounded bg-sky-600 text-[15px] font-black text-white">
            S
          </span>
          <span className="text-[20px] font-bold tracking-tight text-gray-100">Skewdesk</span>
        </div>
        <div className="rounded-md border border-edge bg-panel p-5 shadow-xl">
          {setup.data?.setupNeeded ? <SetupForm next={next} /> : <LoginForm next={next} />}
        </div>
        <p className="mt-3 text-center text-[11px] text-faint">Market-making console · sessions expire; every action is audited.</p>
      </div>
    </main>
  );
}

function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <label className="block text-[12px] text-gray-300">
      {label}
      {children}
    </label>
  );
}

const inputCls =
  "mt-1 block h-9 w-full rounded border border-edge-strong bg-[#0b1016] px-2.5 text-[14px] text-gray-100 outline-none placeholder:text-faint focus:border-sky-500";

function LoginForm({ next }: { next: string }) {
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!username.trim() || !password) {
      setError("Enter your username and password.");
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await api.post("/api/auth/login", { username: username.trim(), password });
      window.location.replace(next);
    } catch (err) {
      setError(messageFor(err));
      setBusy(false);
    }
  }

  return (
    <form onSubmit={submit} noValidate className="space-y-3" data-testid="login-form">
      <h1 className="text-[15px] font-semibold text-gray-100">Sign in</h1>
      <Field label="Username">
        <input name="username" autoComplete="username" autoFocus value={username} onChange={(e) => setUsername(e.target.value)} className={inputCls} />
      </Field>
      <Field label="Password">
        <input name="password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} className={inputCls} />
      </Field>
      {error ? (
        <p role="alert" data-testid="login-error" className="rounded border border-red-500/50 bg-red-500/10 px-2.5 py-1.5 text-[12px] text-red-300">
          {error}
        </p>
      ) : null}
      <Button type="submit" variant="primary" size="lg" className="w-full" disabled={busy} data-testid="login-submit">
        {busy ? "Signing in…" : "Sign in"}
      </Button>
    </form>
  );
}

function SetupForm({ next }: { next: string }) {
  const [username, setUsername] = useState("operator");
  const [password, setPassword] = useState("");
  const [confirm, setConfirm] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [fields, setFields] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const f: Record<string, string> = {};
    if (!username.trim()) f.username = "Choose a username";
    if (password.length < 10) f.password = "At least 10 characters";
    if (confirm !== password) f.confirm = "The two passwords differ";
    setFields(f);
    if (Object.keys(f).length) return;
    setBusy(true);
    setError(null);
    try {
      await api.post("/api/auth/setup", { username: username.trim(), password });
      window.location.replace(next);
    } catch (err) {
      if (err instanceof ApiError && err.fields) setFields(err.fields);
      setError(messageFor(err));
      setBusy(false);
    }
  }

  const hint = (k: string) => (fields[k] ? <span className="mt-0.5 block text-[11px] text-red-400">{fields[k]}</span> : null);
  return (
    <form onSubmit={submit} noValidate className="space-y-3" data-testid="setup-form">
      <div>
        <h1 className="text-[15px] font-semibold text-gray-100">First run: create the operator</h1>
        <p className="mt-1 text-[12px] text-muted">No account exists yet. This account can tune, start, pause and emergency-close the strategy.</p>
      </div>
      <Field label="Username">
        <input name="username" autoComplete="username" value={username} onChange={(e) => setUsername(e.target.value)} className={inputCls} />
        {hint("username")}
      </Field>
      <Field label="Password (10+ characters)">
        <input name="password" type="password" autoComplete="new-password" autoFocus value={password} onChange={(e) => setPassword(e.target.value)} className={inputCls} />
        {hint("password")}
      </Field>
      <Field label="Repeat password">
        <input name="confirm" type="password" autoComplete="new-password" value={confirm} onChange={(e) => setConfirm(e.target.value)} className={inputCls} />
        {hint("confirm")}
      </Field>
      {error ? (
        <p role="alert" className="rounded border border-red-500/50 bg-red-500/10 px-2.5 py-1.5 text-[12px] text-red-300">
          {error}
        </p>
      ) : null}
      <Button type="submit" variant="primary" size="lg" className="w-full" disabled={busy}>
        {busy ? "Creating…" : "Create account and sign in"}
      </Button>
    </form>
  );
}
