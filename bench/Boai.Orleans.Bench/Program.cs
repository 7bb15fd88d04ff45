Console.WriteLine("Boai.Orleans benchmarks: see ./bench.sh");
