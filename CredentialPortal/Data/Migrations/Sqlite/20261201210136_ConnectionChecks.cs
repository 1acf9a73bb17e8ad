using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CredentialPortal.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ConnectionChecks : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Endpoint",
                table: "StorageTargets",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "HostKeyFingerprint",
                table: "StorageTargets",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ServiceUrl",
                table: "StorageTargets",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "AuthorityHost",
                table: "AdSyncProfiles",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "ConnectionChecks",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Resource = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    EntityKey = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Result = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Detail = table.Column<string>(type: "TEXT", maxLength: 512, nullable: false),
                    CheckedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    DurationMs = table.Column<long>(type: "INTEGER", nullable: false),
                    Trigger = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    RejectedAtVersion = table.Column<int>(type: "INTEGER", nullable: true),
                    NextDueAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    AlertOpen = table.Column<bool>(type: "INTEGER", nullable: false),
                    AlertFrom = table.Column<string>(type: "TEXT", maxLength: 16, nullable: true),
                    AlertAt = table.Column<DateTime>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ConnectionChecks", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_ConnectionChecks_AlertOpen",
                table: "ConnectionChecks",
                column: "AlertOpen");

            migrationBuilder.CreateIndex(
                name: "IX_ConnectionChecks_Resource_EntityKey",
                table: "ConnectionChecks",
                columns: new[] { "Resource", "EntityKey" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_ConnectionChecks_Result",
                table: "ConnectionChecks",
                column: "Result");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ConnectionChecks");

            migrationBuilder.DropColumn(
                name: "Endpoint",
                table: "StorageTargets");

            migrationBuilder.DropColumn(
                name: "HostKeyFingerprint",
                table: "StorageTargets");

            migrationBuilder.DropColumn(
                name: "ServiceUrl",
                table: "StorageTargets");

            migrationBuilder.DropColumn(
                name: "AuthorityHost",
                table: "AdSyncProfiles");
        }
    }
}
