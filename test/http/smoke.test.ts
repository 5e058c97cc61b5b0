import { describe, expect, it } from "vitest";
import { callJson } from "../support/api";
import { createUser, world } from "../support/fixtures";

describe("smoke", () => {
  it("provisions and reads a user through the API", async () => {
    const w = await world();
    const user = await createUser(w, "Bob@Example.com", "correct horse battery");
    const read = await callJson("GET", `/api/v1/users/${user.id}`, { token: w.token });
    expect(read.status).toBe(200);
    expect(read.body.email).toBe("Bob@Example.com");
  });
});
