// TorchSharp already uses both cores inside each operation; running tests side by side would only contend.
[assembly: DoNotParallelize]
