// Numbers identical requests within one scope: 0, 1, 2... in the order the calls start, which is the
// order the engine issues them (instance 1 before instance 2), in a recording and in its replay alike.
// A recorded call that fails hands its number back, so the retry that follows records under the
// number the replay will ask for, and the cassette never has holes.
export class Tickets {
  private readonly next = new Map<string, number>();
  private readonly returned = new Map<string, Array<number>>();

  take(slot: string): number {
    const free = this.returned.get(slot);
    if (free !== undefined && free.length > 0) {
      free.sort((a, b) => a - b);
      return free.shift()!;
    }
    const ticket = this.next.get(slot) ?? 0;
    this.next.set(slot, ticket + 1);
    return ticket;
  }

  giveBack(slot: string, ticket: number): void {
    const free = this.returned.get(slot) ?? [];
    free.push(ticket);
    this.returned.set(slot, free);
  }
}
