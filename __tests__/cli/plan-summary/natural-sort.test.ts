/** Natural order of addresses: numbers by value, the rest by code unit, whatever the locale. */
import { naturalCompare, naturalSort } from "../../../cli/plan-summary/natural-sort";

test("GIVEN servers numbered 1 to 12 in string order WHEN sorted naturally THEN worker2 comes before worker10", () => {
  const addresses = Array.from({ length: 12 }, (_, i) => `openstack_compute_instance_v2.worker${i + 1}_server_ABC${i}`).sort();

  expect(addresses.slice(0, 4)).toEqual([
    "openstack_compute_instance_v2.worker10_server_ABC9",
    "openstack_compute_instance_v2.worker11_server_ABC10",
    "openstack_compute_instance_v2.worker12_server_ABC11",
    "openstack_compute_instance_v2.worker1_server_ABC0",
  ]);
  expect(naturalSort(addresses).map((a) => /worker(\d+)_/.exec(a)![1])).toEqual(["1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12"]);
});

test("GIVEN count and for_each instance keys WHEN sorted naturally THEN indexes go by value, keys by their text (and first: a quote sorts before a digit)", () => {
  expect(naturalSort(['vm["b"]', "vm[10]", "vm[9]", 'vm["a10"]', 'vm["a9"]', "vm[0]"])).toEqual(['vm["a9"]', 'vm["a10"]', 'vm["b"]', "vm[0]", "vm[9]", "vm[10]"]);
});

test("GIVEN numbers longer than a double holds and leading zeros WHEN compared THEN by value, and equal values still in a fixed order", () => {
  expect(naturalCompare("n123456789012345678901234567890", "n123456789012345678901234567891")).toBeLessThan(0);
  expect(naturalCompare("n99", "n100000000000000000000000000000")).toBeLessThan(0);
  expect(naturalCompare("w007", "w8")).toBeLessThan(0);
  expect(naturalCompare("w01", "w1")).not.toBe(0);
  expect(Math.sign(naturalCompare("w01", "w1"))).toBe(-Math.sign(naturalCompare("w1", "w01")));
  expect(naturalCompare("w0", "w00")).not.toBe(0);
  expect(naturalCompare("same", "same")).toBe(0);
});

test("GIVEN a prefix and case WHEN compared THEN the shorter string first and upper case before lower, as code units order them", () => {
  expect(naturalCompare("worker", "worker1")).toBeLessThan(0);
  expect(naturalCompare("Worker2", "worker1")).toBeLessThan(0);
  expect(naturalCompare("a_b", "a-b")).toBeGreaterThan(0);
});

test("GIVEN 2000 random strings WHEN sorted THEN the order is consistent: each pair as the comparison says, whatever the input order", () => {
  let seed = 42;
  const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const parts = ["w", "0", "7", "10", "007", "_", "-", "a", "B", "99", "["];
  const items = Array.from({ length: 2000 }, () => Array.from({ length: 1 + Math.floor(rnd() * 6) }, () => parts[Math.floor(rnd() * parts.length)]).join(""));
  const sorted = naturalSort(items);
  const again = naturalSort([...items].reverse());

  expect(again).toEqual(sorted);
  for (let i = 1; i < sorted.length; i++) expect(naturalCompare(sorted[i - 1], sorted[i])).toBeLessThanOrEqual(0);
});
