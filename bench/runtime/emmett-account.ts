/**
 * The peer: the banking account of the fluvius benchmark written for Emmett
 * (@event-driven-io/emmett), run by its command handler on its PostgreSQL event store.
 * Same state, same events (type and data), same decisions for the two actions measured
 * (open: only a new stream; deposit: only on an open account), the same exact decimal sum
 * (big.js through fluvius's `add`). What Emmett does not do here and fluvius does per
 * command: JSON Schema checks of the payload and of the events, the policy, the read-model row.
 */
import { CommandHandler, STREAM_DOES_NOT_EXIST, type Event } from "@event-driven-io/emmett";
import { add } from "@fluvius/runtime";

export type AccountOpened = Event<"account-opened", { customerId: string; accountType: "checking" | "savings" }>;
export type DepositMade = Event<"deposit-made", { amount: string }>;
export type AccountEvent = AccountOpened | DepositMade;

export interface AccountState {
  customerId?: string;
  accountType?: "checking" | "savings";
  balance: string;
  status: "new" | "open" | "frozen" | "closed";
  tags: string[];
}

export const initialState = (): AccountState => ({ balance: "0.00", status: "new", tags: [] });

export function evolve(state: AccountState, event: AccountEvent): AccountState {
  switch (event.type) {
    case "account-opened":
      return { ...state, customerId: event.data.customerId, accountType: event.data.accountType, status: "open" };
    case "deposit-made":
      return { ...state, balance: add(state.balance, event.data.amount) };
  }
}

export const handle = CommandHandler<AccountState, AccountEvent>({ evolve, initialState });

export const streamName = (id: string) => `account-${id}`;

export function openAccount(customerId: string) {
  return (state: AccountState): AccountOpened => {
    if (state.status !== "new") throw new Error("The account exists already.");
    return { type: "account-opened", data: { customerId, accountType: "checking" } };
  };
}

export function deposit(amount: string) {
  return (state: AccountState): DepositMade => {
    if (state.status !== "open") throw new Error(`Deposit refused: the account is ${state.status}.`);
    return { type: "deposit-made", data: { amount } };
  };
}

export const openOptions = { expectedStreamVersion: STREAM_DOES_NOT_EXIST };
