// A plain .js module: jest loads reporters without ts-jest.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { slowestFiles, renderSlowest } = require("./slowest-files-reporter") as {
  slowestFiles: (results: unknown[], rootDir: string, count?: number) => { file: string; seconds: number }[];
  renderSlowest: (rows: { file: string; seconds: number }[]) => string;
};

const result = (file: string, start: number, end: number) => ({ testFilePath: `/repo/${file}`, perfStats: { start, end } });

describe("the slowest-files reporter", () => {
  test("GIVEN twelve test files WHEN the slowest are taken THEN ten, slowest first, paths relative to the root, ties by name", () => {
    const results = Array.from({ length: 12 }, (_, i) => result(`__tests__/f${String(i).padStart(2, "0")}.test.ts`, 0, (i % 6) * 1000 + 500));
    const rows = slowestFiles(results, "/repo");
    expect(rows.map((r) => `${r.file} ${r.seconds}`)).toEqual([
      "__tests__/f05.test.ts 5.5", "__tests__/f11.test.ts 5.5",
      "__tests__/f04.test.ts 4.5", "__tests__/f10.test.ts 4.5",
      "__tests__/f03.test.ts 3.5", "__tests__/f09.test.ts 3.5",
      "__tests__/f02.test.ts 2.5", "__tests__/f08.test.ts 2.5",
      "__tests__/f01.test.ts 1.5", "__tests__/f07.test.ts 1.5",
    ]);
  });

  test("GIVEN a file that failed to start (no timing) WHEN the slowest are taken THEN it is left out", () => {
    expect(slowestFiles([result("a.test.ts", 0, 2000), { testFilePath: "/repo/b.test.ts", perfStats: { start: 0, end: 0 } }], "/repo")).toEqual([{ file: "a.test.ts", seconds: 2 }]);
  });

  test("GIVEN rows WHEN rendered THEN one heading and one aligned line a file", () => {
    expect(renderSlowest([{ file: "a.test.ts", seconds: 123.45 }, { file: "b.test.ts", seconds: 4 }])).toBe("Slowest 2 test files:\n  123.5 s  a.test.ts\n    4.0 s  b.test.ts");
  });
});
