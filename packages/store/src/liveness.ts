/**
 * Whether a process with this id exists on this machine. Signal 0 checks without sending anything;
 * EPERM means it exists but belongs to someone else, which still counts as alive.
 */
export const isProcessAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (cause) {
    return (cause as NodeJS.ErrnoException).code === "EPERM";
  }
};
