// Small presentational pieces shared by the pages.
import { useState, type ReactNode } from "react";
import { explain } from "../lib/errors";

export function Card({ title, children, wide, testId }: { title: string; children: ReactNode; wide?: boolean; testId?: string }) {
  return (
    <section className={wide ? "card wide" : "card"} data-testid={testId}>
      <h2>{title}</h2>
      {children}
    </section>
  );
}

/** A labelled value with its unit. */
export function Stat({ label, value, unit, hint, testId }: { label: string; value: ReactNode; unit?: string; hint?: string; testId?: string }) {
  return (
    <div className="stat" title={hint}>
      <div className="label">{label}</div>
      <div className="value" data-testid={testId}>
        {value}
        {unit ? <span className="unit"> {unit}</span> : null}
      </div>
    </div>
  );
}

export function Loading({ what }: { what: string }) {
  return (
    <div className="loading" role="status">
      <span className="spinner" /> Loading {what}…
    </div>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <div className="empty">{children}</div>;
}

/** A readable error with the raw details folded away. */
export function ErrorBox({ error, testId }: { error: unknown; testId?: string }) {
  if (!error) return null;
  const e = explain(error);
  return (
    <div className="error" role="alert" data-testid={testId ?? "error"}>
      <strong>{e.message}</strong>
      {e.name ? <span className="code"> ({e.name})</span> : null}
      {e.logs?.length ? (
        <details>
          <summary>Program logs</summary>
          <pre>{e.logs.join("\n")}</pre>
        </details>
      ) : null}
    </div>
  );
}

/** A button that runs an async action, shows its progress and its outcome. */
export function Action({
  label,
  run,
  disabled,
  testId,
  kind = "primary",
}: {
  label: string;
  run: (status: (s: string) => void) => Promise<string | void>;
  disabled?: boolean;
  testId?: string;
  kind?: "primary" | "secondary" | "danger";
}) {
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<string | null>(null);
  return (
    <div className="action">
      <button
        className={kind}
        data-testid={testId}
        disabled={disabled || busy !== null}
        onClick={async () => {
          setError(null);
          setDone(null);
          setBusy("Working…");
          try {
            const sig = await run(setBusy);
            setDone(typeof sig === "string" ? sig : "done");
          } catch (e) {
            setError(e);
          } finally {
            setBusy(null);
          }
        }}
      >
        {busy ?? label}
      </button>
      {done ? (
        <span className="ok" data-testid={testId ? `${testId}-ok` : undefined}>
          ✓ {done === "done" ? "Done" : `Confirmed ${done.slice(0, 8)}…`}
        </span>
      ) : null}
      <ErrorBox error={error} testId={testId ? `${testId}-error` : undefined} />
    </div>
  );
}
