import { describe, expect, it } from "vitest";
import { clientAddressKey } from "@/lib/request/client-info";

describe("the per-IP limit's key for a client address", () => {
  it("gives every address of one IPv6 /64 the same key, whatever its spelling", () => {
    const key = clientAddressKey("2001:db8:1:2::a");
    expect(key).toBe("2001:db8:1:2::/64");
    for (const address of [
      "2001:db8:1:2:ffff::1",
      "2001:0db8:0001:0002:0000:0000:0000:000a",
      "2001:DB8:1:2:abcd:ef01:2345:6789",
      "[2001:db8:1:2::1]",
      "2001:db8:1:2::1%eth0",
      " 2001:db8:1:2::7 ",
    ]) {
      expect(clientAddressKey(address), address).toBe(key);
    }
  });

  it("gives the next /64 another key", () => {
    expect(clientAddressKey("2001:db8:1:3::a")).not.toBe(clientAddressKey("2001:db8:1:2::a"));
    expect(clientAddressKey("2001:db8::1")).toBe("2001:db8:0:0::/64");
    expect(clientAddressKey("::1")).toBe("0:0:0:0::/64");
  });

  it("counts an IPv4-mapped IPv6 address as the IPv4 address, in either notation", () => {
    expect(clientAddressKey("::ffff:1.2.3.4")).toBe("1.2.3.4");
    expect(clientAddressKey("::FFFF:1.2.3.4")).toBe("1.2.3.4");
    expect(clientAddressKey("::ffff:102:304")).toBe("1.2.3.4");
    expect(clientAddressKey("0:0:0:0:0:ffff:0102:0304")).toBe("1.2.3.4");
    expect(clientAddressKey("1.2.3.4")).toBe("1.2.3.4");
  });

  it("keeps each IPv4 address apart", () => {
    expect(clientAddressKey("192.0.2.1")).not.toBe(clientAddressKey("192.0.2.2"));
  });

  it("counts what is not an address as it is, and no address as unknown", () => {
    expect(clientAddressKey(null)).toBe("unknown");
    expect(clientAddressKey("")).toBe("unknown");
    expect(clientAddressKey("not-an-ip")).toBe("not-an-ip");
    expect(clientAddressKey("1::2::3")).toBe("1::2::3");
    expect(clientAddressKey("1.2.3.400")).toBe("1.2.3.400");
    expect(clientAddressKey("1:2:3:4:5:6:7:8:9")).toBe("1:2:3:4:5:6:7:8:9");
  });
});
