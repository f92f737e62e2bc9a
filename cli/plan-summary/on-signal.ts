/** The signals that end egi-cdktf when it does not handle them: Ctrl-C, a CI runner's cancel, a closed terminal. */
const ENDING_SIGNALS: readonly NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"];

/**
 * Until the returned function is called, SIGINT, SIGTERM or SIGHUP runs `cleanup` once (a `finally`
 * does not run when a signal ends the process), then raises the same signal again, so egi-cdktf
 * still dies of it as it would have without the handler (exit status and parent see the signal).
 */
export function onEndingSignal(cleanup: (signal: NodeJS.Signals) => void): () => void {
  const handlers = ENDING_SIGNALS.map((signal) => {
    const handler = () => {
      stop();
      cleanup(signal);
      process.kill(process.pid, signal);
    };
    process.once(signal, handler);
    return [signal, handler] as const;
  });
  const stop = () => {
    for (const [signal, handler] of handlers) process.off(signal, handler);
  };
  return stop;
}
