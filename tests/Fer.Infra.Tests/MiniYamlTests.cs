using System.Text.Json.Nodes;

namespace Fer.Infra.Tests;

public class MiniYamlTests
{
    [Fact]
    public void Parse_reads_nested_mappings_scalars_and_comments()
    {
        var node = MiniYaml.Parse("""
            # comment
            name: fer   # trailing comment
            quoted: 'it''s # not a comment'
            double: "a\"b"
            flag: true
            count: 42
            empty:
            nested:
              inner:
                deep: value with spaces
            """)!;

        Assert.Equal("fer", (string?)node["name"]);
        Assert.Equal("it's # not a comment", (string?)node["quoted"]);
        Assert.Equal("a\"b", (string?)node["double"]);
        Assert.True(node["flag"]!.GetValue<bool>());
        Assert.Equal(42, node["count"]!.GetValue<long>());
        Assert.Null(node["empty"]);
        Assert.True(node.AsObject().ContainsKey("empty"));
        Assert.Equal("value with spaces", (string?)node["nested"]!["inner"]!["deep"]);
    }

    [Fact]
    public void Parse_reads_block_sequences_of_scalars_and_mappings()
    {
        var node = MiniYaml.Parse("""
            items:
              - one
              - 2
            same-indent:
            - a
            people:
              - name: x
                role: y
              - name: z
            """)!;

        Assert.Equal("""["one",2]""", node["items"]!.ToJsonString());
        Assert.Equal("""["a"]""", node["same-indent"]!.ToJsonString());
        Assert.Equal("""[{"name":"x","role":"y"},{"name":"z"}]""", node["people"]!.ToJsonString());
    }

    [Theory]
    [InlineData("a: [1, 2]")]
    [InlineData("a: {b: c}")]
    [InlineData("a: &anchor x")]
    [InlineData("a: |\n  text")]
    [InlineData("a: 1\na: 2")]
    [InlineData("a:\n\tb: 1")]
    [InlineData("a: 1\n   b: 2")]
    [InlineData("---\na: 1")]
    [InlineData("a: 'open")]
    public void Parse_rejects_what_is_outside_the_subset(string yaml)
    {
        Assert.Throws<FormatException>(() => MiniYaml.Parse(yaml));
    }

    [Fact]
    public void Parse_of_azure_yaml_gives_plain_JSON()
    {
        var node = MiniYaml.Parse(AzureYamlSchema.AzureYamlText);

        Assert.IsType<JsonObject>(node);
    }
}
